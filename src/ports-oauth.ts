/**
 * Store operations for sign-in with external identity providers (linked identities); `Store` extends this
 * interface. Every MUST below is tested by the contract suite (`src/testing/store-contract-oauth.ts`).
 */
import type { IdentityRecord, LinkIdentityResult, UnlinkIdentityResult } from './types.js'

/** The linked-identity operations of a store. */
export interface OAuthStore {
  /**
   * Links an identity to its user. Returns `identity-taken`, writing nothing, when (provider, subject) is
   * linked already (to any user), and `provider-taken` when the user already has an identity of this
   * provider. A unique index decides, never a read made beforehand: of concurrent callers linking one
   * (provider, subject) exactly one MUST get `linked`. A refusal MUST NOT abort an enclosing transaction
   * (insert-or-nothing), so a flow can create a user and link in one transaction and read the answer.
   */
  linkIdentity(identity: IdentityRecord): Promise<LinkIdentityResult>
  /** The identity with this provider and subject; null when none is linked. */
  findIdentity(provider: string, subject: string): Promise<IdentityRecord | null>
  /** The user's identities, oldest first (`createdAt`, then `id`). */
  listIdentities(userId: string): Promise<IdentityRecord[]>
  /** Records a sign-in through an identity: its `lastUsedAt`, and the email the provider reports now. */
  recordIdentitySignIn(
    id: string,
    input: { email: string | null; emailVerified: boolean; now: number },
  ): Promise<void>
  /**
   * Removes the user's identity of `provider`, unless it is the user's last way to sign in (no password
   * and no other identity): then `last-method`, removing nothing. `not-found` when there is none. The check
   * and the removal are one atomic step: of concurrent unlinks of a passwordless user's identities, at least
   * one identity MUST remain.
   */
  unlinkIdentity(userId: string, provider: string): Promise<UnlinkIdentityResult>
}

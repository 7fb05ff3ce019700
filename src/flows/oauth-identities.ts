import type { Principal, RequestContext } from '../auth-types.js'
import type { IdentityView, OAuthOutcome } from '../auth-types-oauth.js'
import { AuthError } from '../errors.js'
import type { ProviderProfile } from '../oauth/provider.js'
import { requireRecentAuth } from '../policy/step-up.js'
import { audit, type Core, inTransaction, iso } from './core.js'
import { identityOf, refuse } from './oauth-sign-in.js'

/** Linking needs a password or factor check this recent (security-defaults.md: step-up, 10 minutes). */
export const LINK_STEP_UP_SECONDS = 600

/** Provider sign-in methods are managed from a session: an API key is never a credential for it. */
function assertSession(principal: Principal): void {
  if (principal.via !== 'access-token') throw new AuthError('UNAUTHENTICATED')
}

/** Checks that a signed-in user may start linking a provider (a recent sign-in: STEP_UP_REQUIRED otherwise). */
export function assertMayLink(core: Core, principal: Principal): void {
  assertSession(principal)
  requireRecentAuth(principal, core.clock.now(), LINK_STEP_UP_SECONDS)
}

/**
 * Links a provider identity to the user whose session asked for it, at the callback. The session must still
 * be live; the provider must have verified the identity's email (an unverified or missing email never links);
 * the identity must not belong to someone else, and the user must not have another account of this provider
 * linked. Linking again what is already linked is a no-op.
 */
export async function linkProviderIdentity(
  core: Core,
  provider: string,
  profile: ProviderProfile,
  link: { userId: string; sessionId: string },
  ctx: RequestContext,
): Promise<OAuthOutcome> {
  const now = core.clock.now()
  const session = await core.store.findSession(link.sessionId)
  const live = session?.userId === link.userId && session.revokedAt === null && session.expiresAt > now
  if (!live) return refuse(core, provider, 'session_expired', link.userId, ctx)
  const user = await core.store.findUserById(link.userId)
  if (user?.status !== 'active') return refuse(core, provider, 'account_disabled', link.userId, ctx)
  // The rule holds here too: an identity whose email the provider has not verified never links.
  if (!profile.emailVerified || !profile.email)
    return refuse(core, provider, 'email_not_verified', user.id, ctx)
  const known = await core.store.findIdentity(provider, profile.subject)
  if (known?.userId === user.id) return { type: 'linked', provider }
  if (known) return refuse(core, provider, 'identity_in_use', user.id, ctx)
  const result = await inTransaction(core, async (tx) => {
    const linked = await tx.store.linkIdentity(identityOf(core, user.id, provider, profile, now))
    if (linked === 'linked')
      await audit(core, tx.store, ctx, { type: 'identity.link', userId: user.id, meta: { provider } })
    return linked
  })
  if (result === 'linked') return { type: 'linked', provider }
  return refuse(
    core,
    provider,
    result === 'identity-taken' ? 'identity_in_use' : 'already_linked',
    user.id,
    ctx,
  )
}

/** The signed-in user's linked identities, oldest first. */
export async function listIdentities(core: Core, principal: Principal): Promise<IdentityView[]> {
  assertSession(principal)
  const identities = await core.store.listIdentities(principal.userId)
  return identities.map((i) => ({
    provider: i.provider,
    email: i.email,
    createdAt: iso(i.createdAt),
    lastUsedAt: iso(i.lastUsedAt),
  }))
}

/**
 * Unlinks the user's identity of `provider`: NOT_FOUND when there is none, CONFLICT when it is the last way
 * to sign in (no password and no other identity). The store checks and deletes in one atomic step.
 */
export async function unlinkIdentity(
  core: Core,
  principal: Principal,
  provider: string,
  ctx: RequestContext,
): Promise<void> {
  assertSession(principal)
  const result = await inTransaction(core, async (tx) => {
    const unlinked = await tx.store.unlinkIdentity(principal.userId, provider)
    if (unlinked === 'unlinked')
      await audit(core, tx.store, ctx, {
        type: 'identity.unlink',
        userId: principal.userId,
        meta: { provider },
      })
    return unlinked
  })
  if (result === 'not-found') throw new AuthError('NOT_FOUND')
  if (result === 'last-method')
    throw new AuthError('CONFLICT', 'This is the last way to sign in to the account: set a password first.')
}

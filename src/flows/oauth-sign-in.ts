import type { RequestContext } from '../auth-types.js'
import type { OAuthErrorCode, OAuthOutcome } from '../auth-types-oauth.js'
import { generateId } from '../crypto/tokens.js'
import type { ProviderProfile } from '../oauth/provider.js'
import type { IdentityRecord, UserRecord } from '../types.js'
import { audit, type Core, inTransaction, normalizeEmail, newUserRecord } from './core.js'
import { providerSecondFactor } from './oauth-mfa.js'
import { startSession } from './tokens.js'

/** RFC 8176 has no value for a federated sign-in; `fed` is the one in common use (Entra ID, among others). */
const AMR = ['fed']

/** Thrown inside a transaction to roll it back when a concurrent sign-in linked the same identity first. */
class LostRace extends Error {}

/**
 * Signs in with a provider identity. The identity is keyed on (provider, subject), never on the email:
 * - linked already → its user (account state and MFA checked as after a password);
 * - else the email must be one the provider verified: an unverified or missing email never signs into,
 *   links or creates anything (`email_not_verified`);
 * - a local account with that email is signed into (and linked) only with `autoLinkVerifiedEmail` and only
 *   when the local address is verified too (otherwise whoever registered the address first, without owning
 *   it, would share the account with its owner: pre-account takeover) and the account has no MFA. Else
 *   `account_exists`;
 * - an unused email creates a verified account with the default role and no password.
 */
export async function signInWithProvider(
  core: Core,
  provider: string,
  profile: ProviderProfile,
  policy: { autoLinkVerifiedEmail: boolean },
  ctx: RequestContext,
): Promise<OAuthOutcome> {
  // One retry: a concurrent first sign-in of the same identity may link it between the read and the insert.
  for (let attempt = 0; ; attempt++) {
    try {
      return await resolve(core, provider, profile, policy, ctx)
    } catch (error) {
      if (!(error instanceof LostRace) || attempt > 0) throw error
    }
  }
}

async function resolve(
  core: Core,
  provider: string,
  profile: ProviderProfile,
  policy: { autoLinkVerifiedEmail: boolean },
  ctx: RequestContext,
): Promise<OAuthOutcome> {
  const known = await core.store.findIdentity(provider, profile.subject)
  if (known) {
    const user = await core.store.findUserById(known.userId)
    if (!user) return refuse(core, provider, 'server_error', null, ctx)
    return signIn(core, user, { provider, identity: known, profile }, ctx)
  }
  const email = verifiedEmail(profile)
  if (email === null) return refuse(core, provider, 'email_not_verified', null, ctx)
  const existing = await core.store.findUserByEmail(normalizeEmail(email))
  if (existing) {
    // An MFA account is never linked on the strength of an email: linking there is an explicit action of a
    // session that passed its second factor.
    const linkable = policy.autoLinkVerifiedEmail && existing.emailVerifiedAt !== null && !existing.mfaEnabled
    if (!linkable) return refuse(core, provider, 'account_exists', existing.id, ctx)
    return signIn(core, existing, { provider, identity: null, profile }, ctx)
  }
  return createAccount(core, provider, profile, email, ctx)
}

/** The provider's email if it verified it and it looks like an address; null otherwise. */
function verifiedEmail(profile: ProviderProfile): string | null {
  const email = profile.email?.trim() ?? ''
  if (!profile.emailVerified || email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) return null
  return email
}

/**
 * Signs `user` in through a provider identity: the account state as at a password login, then the second
 * factor, then a session. `identity: null` links the provider first (automatic linking by verified email).
 */
async function signIn(
  core: Core,
  user: UserRecord,
  via: { provider: string; identity: IdentityRecord | null; profile: ProviderProfile },
  ctx: RequestContext,
): Promise<OAuthOutcome> {
  if (user.status !== 'active') return refuse(core, via.provider, 'account_disabled', user.id, ctx)
  const now = core.clock.now()
  if (via.identity === null) {
    const linked = await inTransaction(core, async (tx) => {
      const result = await tx.store.linkIdentity(identityOf(core, user.id, via.provider, via.profile, now))
      if (result === 'linked')
        await audit(core, tx.store, ctx, {
          type: 'identity.link',
          userId: user.id,
          meta: { provider: via.provider, automatic: true },
        })
      return result
    })
    if (linked === 'identity-taken') throw new LostRace()
    if (linked === 'provider-taken') return refuse(core, via.provider, 'account_exists', user.id, ctx)
  } else {
    await core.store.recordIdentitySignIn(via.identity.id, {
      email: via.profile.email,
      emailVerified: via.profile.emailVerified,
      now,
    })
  }
  const challenge = await providerSecondFactor(core, user, ctx)
  if (challenge) return challenge
  const tokens = await inTransaction(core, async (tx) => {
    const issued = await startSession(core, tx.store, user, { rememberMe: true, amr: AMR }, ctx)
    await audit(core, tx.store, ctx, {
      type: 'login.success',
      userId: user.id,
      meta: { sessionId: issued.sessionId, provider: via.provider },
    })
    return issued
  })
  return { type: 'tokens', tokens, provider: via.provider, created: false }
}

/** Creates a verified, passwordless account for a new identity, links it and starts a session, atomically. */
async function createAccount(
  core: Core,
  provider: string,
  profile: ProviderProfile,
  email: string,
  ctx: RequestContext,
): Promise<OAuthOutcome> {
  const now = core.clock.now()
  const user = newUserRecord(
    core,
    {
      email,
      name: profile.name?.trim().slice(0, 200) || null,
      passwordHash: null,
      // The provider verified the address: that is what the verification mail would have proven.
      emailVerifiedAt: now,
      locale: ctx.locale ?? null,
    },
    now,
  )
  return inTransaction(core, async (tx): Promise<OAuthOutcome> => {
    // The address was taken meanwhile: by a parallel first sign-in of this identity (the retry then finds it
    // linked) or by a registration (the retry then answers as for any existing account).
    if (!(await tx.store.createUser(user))) throw new LostRace()
    if ((await tx.store.linkIdentity(identityOf(core, user.id, provider, profile, now))) !== 'linked')
      throw new LostRace()
    await audit(core, tx.store, ctx, { type: 'register', userId: user.id, meta: { provider } })
    await audit(core, tx.store, ctx, { type: 'identity.link', userId: user.id, meta: { provider } })
    const tokens = await startSession(core, tx.store, user, { rememberMe: true, amr: AMR }, ctx)
    await audit(core, tx.store, ctx, {
      type: 'login.success',
      userId: user.id,
      meta: { sessionId: tokens.sessionId, provider },
    })
    return { type: 'tokens', tokens, provider, created: true }
  })
}

/** A new identity record of `userId` at `provider`. */
export function identityOf(
  core: Core,
  userId: string,
  provider: string,
  profile: ProviderProfile,
  now: number,
): IdentityRecord {
  return {
    id: generateId(core.random),
    userId,
    provider,
    subject: profile.subject,
    email: profile.email,
    emailVerified: profile.emailVerified,
    createdAt: now,
    lastUsedAt: now,
  }
}

/** Records a refused provider sign-in as a login failure and answers with its code. */
export async function refuse(
  core: Core,
  provider: string,
  code: OAuthErrorCode,
  userId: string | null,
  ctx: RequestContext,
): Promise<OAuthOutcome> {
  await inTransaction(core, (tx) =>
    audit(core, tx.store, ctx, { type: 'login.failure', userId, meta: { provider, reason: code } }),
  )
  return { type: 'refused', code }
}

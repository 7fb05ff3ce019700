import type { LoginResult, RequestContext } from '../auth-types.js'
import { hashPassword, needsRehash, verifyPassword } from '../crypto/password-hash.js'
import { AuthError } from '../errors.js'
import { type LockoutDecision, lockoutDecision } from '../policy/lockout.js'
import type { UserRecord } from '../types.js'
import {
  audit,
  type Core,
  inTransaction,
  mailLocale,
  normalizeEmail,
  requireEmail,
  requireString,
  sendMail,
} from './core.js'
import { isTrustedDevice } from './mfa-devices.js'
import { startMfaChallenge } from './mfa-login.js'
import { startSession } from './tokens.js'

/** The lockout counter key for an email: unknown emails lock exactly like known ones. */
export function lockoutKey(emailNormalized: string): string {
  return `lockout:login:${emailNormalized}`
}

function lockedError(decision: Extract<LockoutDecision, { type: 'locked' }>): AuthError {
  return new AuthError('ACCOUNT_LOCKED', undefined, {
    retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
  })
}

/**
 * Checks an email and password. Order (pinned): lockout → password → account state. Rate limits run
 * before this, in the HTTP layer. A wrong password is INVALID_CREDENTIALS whatever the account's state;
 * only the right password learns EMAIL_NOT_VERIFIED or ACCOUNT_DISABLED.
 */
export async function verifyCredentials(
  core: Core,
  input: { email: string; password: string },
  ctx: RequestContext,
): Promise<UserRecord> {
  const emailNormalized = normalizeEmail(requireEmail(input.email))
  const password = requireString(input.password, 'password')
  const key = lockoutKey(emailNormalized)
  const state = await core.rateStore.getLockout(key)
  const before = lockoutDecision(state, core.lockout, core.clock.now())
  if (before.type === 'locked') throw lockedError(before)

  const user = await core.store.findUserByEmail(emailNormalized)
  // An unknown account still costs one verify, so timing does not tell which emails exist.
  const ok = user?.passwordHash
    ? await verifyPassword(user.passwordHash, password)
    : (await verifyPassword(await core.dummyHash(), password)) && false
  if (!user || !ok) {
    // The atomic increment's own result decides: the failure that reaches the threshold answers 423.
    const failure = await core.rateStore.registerLoginFailure(key, core.lockout, core.clock.now())
    await recordFailure(core, user, failure.lockedNow ? failure.decision : null, ctx)
    if (failure.decision.type === 'locked') throw lockedError(failure.decision)
    throw new AuthError('INVALID_CREDENTIALS')
  }
  if (state) await core.rateStore.clearLockout(key)
  if (user.status !== 'active') throw new AuthError('ACCOUNT_DISABLED')
  if (core.settings.verification.required && user.emailVerifiedAt === null)
    throw new AuthError('EMAIL_NOT_VERIFIED')
  return rehashIfNeeded(core, user, password)
}

async function recordFailure(
  core: Core,
  user: UserRecord | null,
  lockedNow: LockoutDecision | null,
  ctx: RequestContext,
): Promise<void> {
  await inTransaction(core, async (tx) => {
    await audit(core, tx.store, ctx, { type: 'login.failure', userId: user?.id ?? null })
    if (lockedNow?.type !== 'locked') return
    await audit(core, tx.store, ctx, {
      type: 'lockout',
      userId: user?.id ?? null,
      meta: { until: lockedNow.lockedUntil },
    })
    if (user)
      await sendMail(
        core,
        tx,
        user.email,
        { kind: 'lockout-notice', until: lockedNow.lockedUntil },
        mailLocale(core, user, ctx),
      )
  })
}

async function rehashIfNeeded(core: Core, user: UserRecord, password: string): Promise<UserRecord> {
  if (!user.passwordHash || !needsRehash(user.passwordHash, core.hashParams)) return user
  const passwordHash = await hashPassword(password, core.hashParams)
  return (await core.store.updateUser(user.id, { passwordHash }, core.clock.now())) ?? user
}

/**
 * Password login: checks credentials, then starts a session, or, for an MFA account, answers with a
 * challenge for `/login/mfa` unless `trustedDeviceToken` (the `<p>device` cookie) is a trusted device of it.
 */
export async function login(
  core: Core,
  input: { email: string; password: string; rememberMe?: boolean; trustedDeviceToken?: string },
  ctx: RequestContext,
): Promise<LoginResult> {
  if (input.rememberMe !== undefined && typeof input.rememberMe !== 'boolean')
    throw new AuthError('VALIDATION_FAILED', undefined, {
      details: [{ path: 'rememberMe', message: 'must be a boolean' }],
    })
  const user = await verifyCredentials(core, input, ctx)
  if (user.mfaEnabled && !(await isTrustedDevice(core, user, input.trustedDeviceToken)))
    return startMfaChallenge(core, user, { rememberMe: input.rememberMe ?? true }, ctx)
  const tokens = await inTransaction(core, async (tx) => {
    const issued = await startSession(
      core,
      tx.store,
      user,
      { rememberMe: input.rememberMe ?? true, amr: ['pwd'] },
      ctx,
    )
    await audit(core, tx.store, ctx, {
      type: 'login.success',
      userId: user.id,
      meta: { sessionId: issued.sessionId },
    })
    return issued
  })
  return { type: 'tokens', tokens }
}

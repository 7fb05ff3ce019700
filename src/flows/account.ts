import type { IssuedTokens, Principal, PublicUser, RequestContext } from '../auth-types.js'
import { hashPassword, verifyPassword } from '../crypto/password-hash.js'
import { AuthError } from '../errors.js'
import type { UserRecord } from '../types.js'
import {
  appLink,
  audit,
  type Core,
  inTransaction,
  mailLocale,
  normalizeEmail,
  publicUser,
  requireEmail,
  requireString,
  sendMail,
} from './core.js'
import { lockoutKey } from './login.js'
import { factorInput, inFactorTransaction } from './mfa-factor.js'
import { consumeOneTimeToken, createOneTimeToken } from './one-time-token.js'
import { assertNotCurrent, assertPasswordAllowed } from './password-rules.js'
import { revokeEverySession } from './sessions.js'
import { startSession } from './tokens.js'

/**
 * Re-authenticates the signed-in user with their password. A wrong one counts toward the same lockout
 * as a login (a stolen access token must not become a password oracle) and is INVALID_CREDENTIALS,
 * which authenticated routes answer with 403.
 */
export async function reauthenticate(
  core: Core,
  principal: Principal,
  password: unknown,
  ctx: RequestContext,
): Promise<UserRecord> {
  const given = requireString(password, 'password')
  const user = await core.store.findUserById(principal.userId)
  if (!user) throw new AuthError('UNAUTHENTICATED')
  if (user.status !== 'active') throw new AuthError('ACCOUNT_DISABLED')
  if (user.passwordHash && (await verifyPassword(user.passwordHash, given))) return user
  const failure = await core.rateStore.registerLoginFailure(
    lockoutKey(user.emailNormalized),
    core.lockout,
    core.clock.now(),
  )
  await audit(core, core.store, ctx, {
    type: 'login.failure',
    userId: user.id,
    meta: { reauthentication: true },
  })
  if (failure.lockedNow && failure.decision.type === 'locked')
    await audit(core, core.store, ctx, {
      type: 'lockout',
      userId: user.id,
      meta: { until: failure.decision.lockedUntil, reauthentication: true },
    })
  if (failure.decision.type === 'locked')
    throw new AuthError('ACCOUNT_LOCKED', undefined, {
      retryAfterSeconds: Math.ceil(failure.decision.retryAfterMs / 1000),
    })
  throw new AuthError('INVALID_CREDENTIALS')
}

/**
 * Changes the password of the signed-in user: every session ends (this one too, its tokens replaced
 * by fresh ones returned here), a "password changed" mail goes out, and the change is audited. With MFA on,
 * `code` (TOTP or backup code) is required and checked after the password.
 */
export async function changePassword(
  core: Core,
  principal: Principal,
  input: { currentPassword: string; newPassword: string; code?: string },
  ctx: RequestContext,
): Promise<IssuedTokens> {
  const newPassword = requireString(input.newPassword, 'newPassword')
  const proof = await factorInput(core, principal.userId, input.code)
  const user = await reauthenticate(core, principal, input.currentPassword, ctx)
  await assertNotCurrent(core, newPassword, user.passwordHash)
  assertPasswordAllowed(core, newPassword, { email: user.email, name: user.name ?? undefined })
  const passwordHash = await hashPassword(newPassword, core.hashParams)
  const session = await core.store.findSession(principal.sessionId)
  return inFactorTransaction(core, user, proof, ctx, async (tx) => {
    const updated = await tx.store.updateUser(user.id, { passwordHash }, core.clock.now())
    await revokeEverySession(core, tx, user.id, 'password_change')
    const version = (updated?.tokenVersion ?? user.tokenVersion) + 1
    const fresh = { ...(updated ?? user), tokenVersion: version }
    const tokens = await startSession(
      core,
      tx.store,
      fresh,
      { rememberMe: session?.rememberMe ?? true, amr: ['pwd'] },
      ctx,
    )
    await sendMail(core, tx, user.email, { kind: 'password-changed' }, mailLocale(core, user, ctx))
    await audit(core, tx.store, ctx, { type: 'password.change', userId: user.id })
    return tokens
  })
}

/**
 * Starts an email change: the new address gets a one-hour confirmation link, the old address a notice
 * (so its owner can react). The answer does not reveal whether the new address is taken.
 */
export async function requestEmailChange(
  core: Core,
  principal: Principal,
  input: { newEmail: string; password: string },
  ctx: RequestContext,
): Promise<{ status: 'verification_sent' }> {
  const newEmail = requireEmail(input.newEmail, 'newEmail')
  const user = await reauthenticate(core, principal, input.password, ctx)
  const taken = await core.store.findUserByEmail(normalizeEmail(newEmail))
  await inTransaction(core, async (tx) => {
    await sendMail(
      core,
      tx,
      user.email,
      { kind: 'email-changed-notice', newEmail },
      mailLocale(core, user, ctx),
    )
    await audit(core, tx.store, ctx, { type: 'email.change.request', userId: user.id })
    if (taken) return
    const { token, expiresAt } = await createOneTimeToken(core, tx, {
      kind: 'email-change',
      userId: user.id,
      ttlSeconds: core.settings.emailChange.tokenTtlSeconds,
      data: { newEmail },
      replaceExisting: true,
    })
    const url = appLink(core, core.settings.mail.emailChangePath, token)
    await sendMail(
      core,
      tx,
      newEmail,
      { kind: 'email-change-confirm', url, expiresAt, newEmail },
      mailLocale(core, user, ctx),
    )
  })
  return { status: 'verification_sent' }
}

/** Confirms an email change with the link's token; only the account that asked can use it. */
export async function confirmEmailChange(
  core: Core,
  principal: Principal,
  token: string,
  ctx: RequestContext,
): Promise<PublicUser> {
  requireString(token, 'token', 512)
  return inTransaction(core, async (tx) => {
    const record = await consumeOneTimeToken(core, tx, 'email-change', token)
    const newEmail = record.data?.newEmail
    // A token of another account is indistinguishable from an unknown one; the consume rolls back with it.
    if (record.userId !== principal.userId || typeof newEmail !== 'string')
      throw new AuthError('TOKEN_INVALID')
    const emailNormalized = normalizeEmail(newEmail)
    const owner = await tx.store.findUserByEmail(emailNormalized)
    if (owner && owner.id !== principal.userId)
      throw new AuthError('CONFLICT', 'That email address is already in use.')
    const now = core.clock.now()
    const user = await tx.store.updateUser(
      principal.userId,
      { email: newEmail, emailNormalized, emailVerifiedAt: now },
      now,
    )
    if (!user) throw new AuthError('UNAUTHENTICATED')
    await audit(core, tx.store, ctx, { type: 'email.change', userId: user.id })
    return publicUser(user)
  })
}

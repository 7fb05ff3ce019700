import type { RequestContext } from '../auth-types.js'
import { hashPassword } from '../crypto/password-hash.js'
import { AuthError } from '../errors.js'
import {
  appLink,
  audit,
  type Core,
  inTransaction,
  mailLocale,
  normalizeEmail,
  requireEmail,
  requireString,
  sendMail,
} from './core.js'
import { lockoutKey } from './login.js'
import { consumeOneTimeToken, createOneTimeToken, peekOneTimeToken } from './one-time-token.js'
import { assertNotCurrent, assertPasswordAllowed } from './password-rules.js'
import { revokeEverySession } from './sessions.js'

/**
 * Mails a reset link (15 minutes, single use; a new request voids older links). Always the same answer,
 * so nobody learns whether an account exists.
 */
export async function requestPasswordReset(
  core: Core,
  emailInput: string,
  ctx: RequestContext,
): Promise<{ status: 'sent_if_exists' }> {
  const email = requireEmail(emailInput)
  const user = await core.store.findUserByEmail(normalizeEmail(email))
  if (user?.status !== 'active') return { status: 'sent_if_exists' }
  await inTransaction(core, async (tx) => {
    const { token, expiresAt } = await createOneTimeToken(core, tx, {
      kind: 'password-reset',
      userId: user.id,
      ttlSeconds: core.settings.passwordReset.tokenTtlSeconds,
      replaceExisting: true,
    })
    const url = appLink(core, core.settings.mail.resetPath, token)
    await sendMail(
      core,
      tx,
      user.email,
      { kind: 'password-reset', url, expiresAt },
      mailLocale(core, user, ctx),
    )
    await audit(core, tx.store, ctx, { type: 'password.reset.request', userId: user.id })
  })
  return { status: 'sent_if_exists' }
}

/**
 * Sets a new password with a reset token. Works while the account is locked (and lifts the lock);
 * revokes every session and trusted device; mails a "password changed" notice.
 */
export async function resetPassword(
  core: Core,
  input: { token: string; password: string },
  ctx: RequestContext,
): Promise<{ status: 'password_reset' }> {
  const token = requireString(input.token, 'token', 512)
  const password = requireString(input.password, 'password')
  // Check everything that can fail before the token is spent, so a rejected password keeps the link usable.
  const record = await peekOneTimeToken(core, 'password-reset', token)
  const user = await core.store.findUserById(record.userId)
  if (!user) throw new AuthError('TOKEN_INVALID')
  assertPasswordAllowed(core, password, { email: user.email, name: user.name ?? undefined })
  await assertNotCurrent(core, password, user.passwordHash)
  const passwordHash = await hashPassword(password, core.hashParams)
  await inTransaction(core, async (tx) => {
    await consumeOneTimeToken(core, tx, 'password-reset', token)
    await tx.store.updateUser(user.id, { passwordHash }, core.clock.now())
    await revokeEverySession(core, tx, user.id, 'password_reset')
    await sendMail(core, tx, user.email, { kind: 'password-changed' }, mailLocale(core, user, ctx))
    await audit(core, tx.store, ctx, { type: 'password.reset', userId: user.id })
  })
  // The counters may live in another store (Redis), so the lock is lifted after the commit.
  await core.rateStore.clearLockout(lockoutKey(user.emailNormalized))
  return { status: 'password_reset' }
}

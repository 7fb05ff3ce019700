import type { RequestContext } from '../auth-types.js'
import { hashPassword } from '../crypto/password-hash.js'
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
  newUserRecord,
} from './core.js'
import { consumeOneTimeToken, createOneTimeToken } from './one-time-token.js'
import { assertPasswordAllowed } from './password-rules.js'

const DAY_MS = 86_400_000

/**
 * Registers an account and mails a verification link. The answer is the same whether or not the
 * address is taken (no enumeration): a taken address gets a "someone tried to register" notice instead,
 * at most `duplicateNoticesPerDay` a day. The password is hashed either way, so timing matches too.
 */
export async function register(
  core: Core,
  input: { email: string; password: string; name?: string },
  ctx: RequestContext,
): Promise<{ status: 'verification_sent' }> {
  const email = requireEmail(input.email)
  const password = requireString(input.password, 'password')
  const name = input.name === undefined ? null : requireString(input.name, 'name', 200).trim() || null
  assertPasswordAllowed(core, password, { email, name: name ?? undefined })
  const passwordHash = await hashPassword(password, core.hashParams)
  const now = core.clock.now()
  const user = newUserRecord(
    core,
    { email, name, passwordHash, emailVerifiedAt: null, locale: ctx.locale ?? null },
    now,
  )
  const created = await inTransaction(core, async (tx) => {
    if (!(await tx.store.createUser(user))) return false
    const { token, expiresAt } = await createOneTimeToken(core, tx, {
      kind: 'verify-email',
      userId: user.id,
      ttlSeconds: core.settings.verification.tokenTtlSeconds,
    })
    const url = appLink(core, core.settings.mail.verifyPath, token)
    await sendMail(core, tx, email, { kind: 'verify-email', url, expiresAt }, mailLocale(core, user, ctx))
    await audit(core, tx.store, ctx, { type: 'register', userId: user.id })
    return true
  })
  if (!created) await noticeDuplicate(core, user.emailNormalized, ctx)
  return { status: 'verification_sent' }
}

/** Tells the owner of a taken address that someone tried to register with it (capped per day). */
async function noticeDuplicate(core: Core, emailNormalized: string, ctx: RequestContext): Promise<void> {
  const existing = await core.store.findUserByEmail(emailNormalized)
  const cap = core.settings.verification.duplicateNoticesPerDay
  const key = `notice:duplicate-register:${emailNormalized}`
  const allowed =
    cap > 0 &&
    (await core.rateStore.hitRateLimit(key, { limit: cap, windowMs: DAY_MS }, core.clock.now())).allowed
  await inTransaction(core, async (tx) => {
    if (existing && allowed) {
      const intent = {
        kind: 'already-registered' as const,
        loginUrl: appLink(core, '/login'),
        resetUrl: appLink(core, '/forgot-password'),
      }
      await sendMail(core, tx, existing.email, intent, mailLocale(core, existing, ctx))
    }
    await audit(core, tx.store, ctx, { type: 'register.duplicate', userId: existing?.id ?? null })
  })
}

/** Marks the address verified; the token works once. */
export async function verifyEmail(
  core: Core,
  token: string,
  ctx: RequestContext,
): Promise<{ status: 'verified' }> {
  requireString(token, 'token', 512)
  await inTransaction(core, async (tx) => {
    const record = await consumeOneTimeToken(core, tx, 'verify-email', token)
    const user = await tx.store.findUserById(record.userId)
    if (user && user.emailVerifiedAt === null) {
      await tx.store.updateUser(user.id, { emailVerifiedAt: core.clock.now() }, core.clock.now())
      await audit(core, tx.store, ctx, { type: 'email.verify', userId: user.id })
    }
  })
  return { status: 'verified' }
}

/**
 * Mails a fresh verification link to an unverified account. Always answers the same; at most
 * `resendPerDay` mails per account per day, silently (the registration mail does not count).
 */
export async function resendVerification(
  core: Core,
  emailInput: string,
  ctx: RequestContext,
): Promise<{ status: 'sent_if_exists' }> {
  const email = requireEmail(emailInput)
  const user = await core.store.findUserByEmail(normalizeEmail(email))
  if (!user || user.emailVerifiedAt !== null || user.status !== 'active') return { status: 'sent_if_exists' }
  const cap = core.settings.verification.resendPerDay
  if (cap === 0) return { status: 'sent_if_exists' }
  const quota = await core.rateStore.hitRateLimit(
    `resend:${user.id}`,
    { limit: cap, windowMs: DAY_MS },
    core.clock.now(),
  )
  if (!quota.allowed) return { status: 'sent_if_exists' }
  await inTransaction(core, async (tx) => {
    const { token, expiresAt } = await createOneTimeToken(core, tx, {
      kind: 'verify-email',
      userId: user.id,
      ttlSeconds: core.settings.verification.tokenTtlSeconds,
    })
    const url = appLink(core, core.settings.mail.verifyPath, token)
    await sendMail(
      core,
      tx,
      user.email,
      { kind: 'verify-email', url, expiresAt },
      mailLocale(core, user, ctx),
    )
  })
  return { status: 'sent_if_exists' }
}

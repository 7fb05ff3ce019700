import { describe, expect, it } from 'vitest'
import { authError, ctx, makeAuth } from '../helpers.js'

describe('register', () => {
  it('answers verification_sent and mails a single-use link', async () => {
    const t = makeAuth()
    expect(await t.auth.register({ email: 'Ada@Example.com ', password: 'Correct-Horse-9' }, ctx)).toEqual({
      status: 'verification_sent',
    })
    const token = await t.lastToken('ada@example.com')
    expect(t.mailer.last('ada@example.com')?.kind).toBe('verify-email')
    expect(t.mailer.last('ada@example.com')?.text).toContain('http://localhost:3000/verify-email?token=')
    expect(await t.auth.verifyEmail(token, ctx)).toEqual({ status: 'verified' })
    expect((await authError(t.auth.verifyEmail(token, ctx))).code).toBe('TOKEN_INVALID')
    const user = await t.store.findUserByEmail('ada@example.com')
    expect(user?.email).toBe('Ada@Example.com')
    expect(user?.roles).toEqual(['employee'])
    expect(user?.emailVerifiedAt).toBe(t.clock.now())
  })

  it('gives a taken address the same answer and mails its owner a notice, at most 3 a day', async () => {
    const t = makeAuth()
    await t.signUp('ada@example.com')
    t.mailer.clear()
    for (let i = 0; i < 5; i++) {
      expect(await t.auth.register({ email: 'ADA@example.com', password: 'Other-Horse-77' }, ctx)).toEqual({
        status: 'verification_sent',
      })
    }
    await t.auth.outbox.runOnce()
    expect(t.mailer.to('ada@example.com').map((m) => m.kind)).toEqual(Array(3).fill('already-registered'))
    t.clock.advance(86_400_001)
    await t.auth.register({ email: 'ada@example.com', password: 'Other-Horse-77' }, ctx)
    await t.auth.outbox.runOnce()
    expect(t.mailer.to('ada@example.com')).toHaveLength(4)
  })

  it('refuses a weak password listing every broken rule, and writes nothing', async () => {
    const t = makeAuth()
    const error = await authError(t.auth.register({ email: 'bob@example.com', password: 'aaa' }, ctx))
    expect(error.code).toBe('PASSWORD_POLICY')
    const rules = (error.details as { rule: string }[]).map((d) => d.rule)
    expect(rules).toEqual(
      expect.arrayContaining(['min_length', 'uppercase', 'digit', 'special', 'no_repeat']),
    )
    expect(await t.store.findUserByEmail('bob@example.com')).toBeNull()
  })

  it('refuses a password containing the email local part or on the common list', async () => {
    const t = makeAuth()
    const personal = await authError(
      t.auth.register({ email: 'margaret@example.com', password: 'Margaret#2024x' }, ctx),
    )
    expect((personal.details as { rule: string }[]).map((d) => d.rule)).toContain('no_personal_info')
    const relaxed = makeAuth({ password: { requireUppercase: false, requireSpecial: false } })
    const common = await authError(
      relaxed.auth.register({ email: 'x@example.com', password: 'Password1' }, ctx),
    )
    expect(common.details).toEqual([{ rule: 'not_common', message: expect.any(String) }])
  })

  it('rejects malformed input with VALIDATION_FAILED', async () => {
    const t = makeAuth()
    for (const input of [
      { email: 'not-an-email', password: 'Correct-Horse-9' },
      { email: `${'a'.repeat(250)}@example.com`, password: 'Correct-Horse-9' },
      { email: 'a@example.com', password: '' },
      { email: 42 as unknown as string, password: 'Correct-Horse-9' },
    ]) {
      expect((await authError(t.auth.register(input, ctx))).code).toBe('VALIDATION_FAILED')
    }
  })

  it('creates exactly one user for parallel registrations of one email in different cases', async () => {
    const t = makeAuth()
    const emails = ['eve@example.com', 'EVE@example.com', 'Eve@Example.com', ' eve@EXAMPLE.com']
    await Promise.all(emails.map((email) => t.auth.register({ email, password: 'Correct-Horse-9' }, ctx)))
    await t.auth.outbox.runOnce()
    const kinds = t.mailer.to('eve@example.com').map((m) => m.kind)
    expect(kinds.filter((k) => k === 'verify-email')).toHaveLength(1)
    expect(kinds.filter((k) => k === 'already-registered')).toHaveLength(3)
  })
})

describe('verify email', () => {
  it('refuses an expired token with TOKEN_EXPIRED and leaves the account unverified', async () => {
    const t = makeAuth()
    await t.auth.register({ email: 'ada@example.com', password: 'Correct-Horse-9' }, ctx)
    const token = await t.lastToken('ada@example.com')
    t.clock.advance(24 * 3600 * 1000)
    expect((await authError(t.auth.verifyEmail(token, ctx))).code).toBe('TOKEN_EXPIRED')
    expect((await t.store.findUserByEmail('ada@example.com'))?.emailVerifiedAt).toBeNull()
  })

  it('refuses unknown and malformed tokens with TOKEN_INVALID / VALIDATION_FAILED', async () => {
    const t = makeAuth()
    expect((await authError(t.auth.verifyEmail('nope', ctx))).code).toBe('TOKEN_INVALID')
    expect((await authError(t.auth.verifyEmail('x'.repeat(600), ctx))).code).toBe('VALIDATION_FAILED')
  })

  it('lets exactly one of 50 parallel verifications through', async () => {
    const t = makeAuth()
    await t.auth.register({ email: 'ada@example.com', password: 'Correct-Horse-9' }, ctx)
    const token = await t.lastToken('ada@example.com')
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => t.auth.verifyEmail(token, ctx)))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
  })
})

describe('resend verification', () => {
  it('sends at most 3 a day to an unverified account, silently, and nothing for others', async () => {
    const t = makeAuth()
    await t.auth.register({ email: 'ada@example.com', password: 'Correct-Horse-9' }, ctx)
    for (let i = 0; i < 5; i++) {
      expect(await t.auth.resendVerification('ada@example.com', ctx)).toEqual({ status: 'sent_if_exists' })
    }
    expect(await t.auth.resendVerification('nobody@example.com', ctx)).toEqual({ status: 'sent_if_exists' })
    await t.auth.outbox.runOnce()
    // 1 registration mail + 3 resends; the registration mail does not count toward the cap.
    expect(t.mailer.to('ada@example.com')).toHaveLength(4)
    expect(t.mailer.to('nobody@example.com')).toHaveLength(0)
    await t.auth.verifyEmail(await t.lastToken('ada@example.com'), ctx)
    t.clock.advance(86_400_001)
    await t.auth.resendVerification('ada@example.com', ctx)
    await t.auth.outbox.runOnce()
    expect(t.mailer.to('ada@example.com')).toHaveLength(4)
  })
})

import { describe, expect, it } from 'vitest'
import { authError, ctx, makeAuth } from '../helpers.js'

describe('password reset', () => {
  it('mails a 15-minute link; resetting revokes every session and sends a notice', async () => {
    const t = makeAuth()
    await t.signUp()
    const tokens = await t.signIn()
    expect(await t.auth.requestPasswordReset('ADA@example.com', ctx)).toEqual({ status: 'sent_if_exists' })
    const token = await t.lastToken('ada@example.com')
    expect(t.mailer.last('ada@example.com')?.text).toContain('http://localhost:3000/reset-password?token=')
    expect(await t.auth.resetPassword({ token, password: 'Brand-New-Horse-4' }, ctx)).toEqual({
      status: 'password_reset',
    })
    expect((await authError(t.auth.authenticate(tokens.accessToken))).code).toBe('UNAUTHENTICATED')
    expect((await authError(t.auth.refresh(tokens.refreshToken, ctx))).code).toBe('TOKEN_INVALID')
    expect((await authError(t.signIn())).code).toBe('INVALID_CREDENTIALS')
    expect((await t.signIn('ada@example.com', 'Brand-New-Horse-4')).user.email).toBe('ada@example.com')
    await t.auth.outbox.runOnce()
    expect(t.mailer.last('ada@example.com')?.kind).toBe('password-changed')
    expect((await authError(t.auth.resetPassword({ token, password: 'Another-Horse-5' }, ctx))).code).toBe(
      'TOKEN_INVALID',
    )
    const types = (await t.store.listAudit({ limit: 50 })).map((e) => e.type)
    expect(types).toEqual(expect.arrayContaining(['password.reset.request', 'password.reset']))
  })

  it('answers the same for unknown emails and mails nothing', async () => {
    const t = makeAuth()
    expect(await t.auth.requestPasswordReset('nobody@example.com', ctx)).toEqual({ status: 'sent_if_exists' })
    await t.auth.outbox.runOnce()
    expect(t.mailer.mails).toHaveLength(0)
  })

  it('voids the older link when a new one is requested, and expires after 15 minutes', async () => {
    const t = makeAuth()
    await t.signUp()
    await t.auth.requestPasswordReset('ada@example.com', ctx)
    const older = await t.lastToken('ada@example.com')
    await t.auth.requestPasswordReset('ada@example.com', ctx)
    const newer = await t.lastToken('ada@example.com')
    expect(
      (await authError(t.auth.resetPassword({ token: older, password: 'Brand-New-Horse-4' }, ctx))).code,
    ).toBe('TOKEN_INVALID')
    t.clock.advance(15 * 60_000)
    expect(
      (await authError(t.auth.resetPassword({ token: newer, password: 'Brand-New-Horse-4' }, ctx))).code,
    ).toBe('TOKEN_EXPIRED')
  })

  it('refuses the current password (not_current) and a weak one without spending the token', async () => {
    const t = makeAuth()
    const { password } = await t.signUp()
    await t.auth.requestPasswordReset('ada@example.com', ctx)
    const token = await t.lastToken('ada@example.com')
    const same = await authError(t.auth.resetPassword({ token, password }, ctx))
    expect(same.code).toBe('PASSWORD_POLICY')
    expect(same.details).toEqual([{ rule: 'not_current', message: expect.any(String) }])
    expect((await authError(t.auth.resetPassword({ token, password: 'weak' }, ctx))).code).toBe(
      'PASSWORD_POLICY',
    )
    expect(await t.auth.resetPassword({ token, password: 'Brand-New-Horse-4' }, ctx)).toEqual({
      status: 'password_reset',
    })
  })

  it('works while the account is locked, and lifts the lock', async () => {
    const t = makeAuth()
    await t.signUp()
    for (let i = 0; i < 5; i++)
      await authError(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Horse-1' }, ctx))
    expect((await authError(t.signIn())).code).toBe('ACCOUNT_LOCKED')
    await t.auth.requestPasswordReset('ada@example.com', ctx)
    await t.auth.resetPassword(
      { token: await t.lastToken('ada@example.com'), password: 'Brand-New-Horse-4' },
      ctx,
    )
    expect((await t.signIn('ada@example.com', 'Brand-New-Horse-4')).user.email).toBe('ada@example.com')
  })
})

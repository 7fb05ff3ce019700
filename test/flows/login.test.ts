import { describe, expect, it } from 'vitest'
import { hashPassword } from '../../src/crypto/password-hash.js'
import { authError, ctx, makeAuth } from '../helpers.js'

describe('login', () => {
  it('issues an access token, a refresh token and a session', async () => {
    const t = makeAuth()
    await t.signUp()
    const tokens = await t.signIn()
    expect(tokens.user).toMatchObject({ email: 'ada@example.com', emailVerified: true, roles: ['employee'] })
    expect(tokens.expiresIn).toBe(900)
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const principal = await t.auth.authenticate(tokens.accessToken)
    expect(principal).toMatchObject({
      userId: tokens.user.id,
      sessionId: tokens.sessionId,
      amr: ['pwd'],
      roles: ['employee'],
    })
    const events = await t.store.listAudit({ userId: tokens.user.id, limit: 10 })
    expect(events.map((e) => e.type)).toContain('login.success')
  })

  it('answers a wrong password and an unknown email identically', async () => {
    const t = makeAuth()
    await t.signUp()
    const wrong = await authError(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Horse-9' }, ctx))
    const unknown = await authError(
      t.auth.login({ email: 'nobody@example.com', password: 'Wrong-Horse-9' }, ctx),
    )
    expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message])
    expect(wrong.code).toBe('INVALID_CREDENTIALS')
  })

  it('tells only the right password that the email is unverified', async () => {
    const t = makeAuth()
    await t.auth.register({ email: 'ada@example.com', password: 'Correct-Horse-9' }, ctx)
    expect(
      (await authError(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Horse-9' }, ctx))).code,
    ).toBe('INVALID_CREDENTIALS')
    expect(
      (await authError(t.auth.login({ email: 'ada@example.com', password: 'Correct-Horse-9' }, ctx))).code,
    ).toBe('EMAIL_NOT_VERIFIED')
  })

  it('lets unverified accounts in when verification is not required', async () => {
    const t = makeAuth({ verification: { required: false } })
    await t.auth.register({ email: 'ada@example.com', password: 'Correct-Horse-9' }, ctx)
    expect((await t.auth.login({ email: 'ada@example.com', password: 'Correct-Horse-9' }, ctx)).type).toBe(
      'tokens',
    )
  })

  it('refuses blocked accounts with ACCOUNT_DISABLED, only for the right password', async () => {
    const t = makeAuth()
    await t.signUp()
    const user = await t.store.findUserByEmail('ada@example.com')
    await t.store.updateUser(user!.id, { status: 'blocked' }, t.clock.now())
    expect(
      (await authError(t.auth.login({ email: 'ada@example.com', password: 'x-Wrong-9' }, ctx))).code,
    ).toBe('INVALID_CREDENTIALS')
    expect((await authError(t.signIn())).code).toBe('ACCOUNT_DISABLED')
  })

  it('locks after 5 failures: the 5th already answers 423, the right password too, until 30 min pass', async () => {
    const t = makeAuth()
    await t.signUp()
    const codes: string[] = []
    for (let i = 0; i < 6; i++)
      codes.push(
        (await authError(t.auth.login({ email: 'ada@example.com', password: `Wrong-${i}-Horse` }, ctx))).code,
      )
    expect(codes).toEqual([...Array(4).fill('INVALID_CREDENTIALS'), 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED'])
    const locked = await authError(t.signIn())
    expect(locked.code).toBe('ACCOUNT_LOCKED')
    expect(locked.retryAfterSeconds).toBe(1800)
    t.clock.advance(29 * 60_000)
    expect((await authError(t.signIn())).retryAfterSeconds).toBe(60)
    t.clock.advance(60_000)
    expect((await t.signIn()).user.email).toBe('ada@example.com')
    await t.auth.outbox.runOnce()
    expect(t.mailer.to('ada@example.com').map((m) => m.kind)).toContain('lockout-notice')
    const types = (await t.store.listAudit({ limit: 50 })).map((e) => e.type)
    expect(types.filter((x) => x === 'lockout')).toHaveLength(1)
  })

  it('locks unknown emails the same way (nothing is enumerated)', async () => {
    const t = makeAuth()
    const codes: string[] = []
    for (let i = 0; i < 5; i++)
      codes.push(
        (await authError(t.auth.login({ email: 'ghost@example.com', password: 'Whatever-1x' }, ctx))).code,
      )
    expect(codes.at(-1)).toBe('ACCOUNT_LOCKED')
  })

  it('resets the failure count on success', async () => {
    const t = makeAuth()
    await t.signUp()
    for (let i = 0; i < 4; i++)
      await authError(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Horse-1' }, ctx))
    await t.signIn()
    for (let i = 0; i < 4; i++)
      expect(
        (await authError(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Horse-1' }, ctx))).code,
      ).toBe('INVALID_CREDENTIALS')
  })

  it('counts 50 parallel failures exactly and locks from the threshold on', async () => {
    const t = makeAuth({ lockout: { threshold: 10 } })
    await t.signUp()
    const codes = await Promise.all(
      Array.from(
        { length: 50 },
        async () =>
          (await authError(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Horse-1' }, ctx))).code,
      ),
    )
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(9)
    expect((await t.store.getLockout('lockout:login:ada@example.com'))?.failures).toBe(50)
  })

  it('rehashes a password stored with older parameters', async () => {
    const t = makeAuth()
    await t.signUp()
    const user = await t.store.findUserByEmail('ada@example.com')
    const old = await hashPassword('Correct-Horse-9', { memoryCostKiB: 9216, timeCost: 1, parallelism: 1 })
    await t.store.updateUser(user!.id, { passwordHash: old }, t.clock.now())
    await t.signIn()
    const after = await t.store.findUserByEmail('ada@example.com')
    expect(after?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=8192,t=1,p=1\$/)
  })

  it('refuses malformed input with VALIDATION_FAILED', async () => {
    const t = makeAuth()
    expect((await authError(t.auth.login({ email: 'x', password: 'y' }, ctx))).code).toBe('VALIDATION_FAILED')
    const bad = {
      email: 'a@example.com',
      password: 'Correct-Horse-9',
      rememberMe: 'yes' as unknown as boolean,
    }
    expect((await authError(t.auth.login(bad, ctx))).code).toBe('VALIDATION_FAILED')
  })
})

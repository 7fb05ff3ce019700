import { describe, expect, it } from 'vitest'
import { authError, ctx, makeAuth } from '../helpers.js'

describe('refresh', () => {
  it('rotates: the new pair works, the old refresh token is spent', async () => {
    const t = makeAuth({ refreshToken: { reuseGraceSeconds: 0 } })
    await t.signUp()
    const first = await t.signIn()
    t.clock.advance(1000)
    const second = await t.auth.refresh(first.refreshToken, ctx)
    expect(second.refreshToken).not.toBe(first.refreshToken)
    expect(second.sessionId).toBe(first.sessionId)
    expect((await t.auth.authenticate(second.accessToken)).sessionId).toBe(first.sessionId)
    expect((await authError(t.auth.refresh(first.refreshToken, ctx))).code).toBe('TOKEN_REUSED')
  })

  it('on reuse revokes the whole family: the successor and its access tokens die too', async () => {
    const t = makeAuth({ refreshToken: { reuseGraceSeconds: 0 } })
    await t.signUp()
    const first = await t.signIn()
    const second = await t.auth.refresh(first.refreshToken, ctx)
    expect((await authError(t.auth.refresh(first.refreshToken, ctx))).code).toBe('TOKEN_REUSED')
    expect((await authError(t.auth.refresh(second.refreshToken, ctx))).code).toBe('TOKEN_INVALID')
    expect((await authError(t.auth.authenticate(second.accessToken))).code).toBe('UNAUTHENTICATED')
    expect((await authError(t.auth.authenticate(first.accessToken))).code).toBe('UNAUTHENTICATED')
    const types = (await t.store.listAudit({ limit: 20 })).map((e) => e.type)
    expect(types).toContain('refresh.reuse')
  })

  it('hands the immediate parent the same successor within the grace window, not after', async () => {
    const t = makeAuth()
    await t.signUp()
    const first = await t.signIn()
    const second = await t.auth.refresh(first.refreshToken, ctx)
    t.clock.advance(10_000)
    const again = await t.auth.refresh(first.refreshToken, ctx)
    expect(again.refreshToken).toBe(second.refreshToken)
    t.clock.advance(1)
    expect((await authError(t.auth.refresh(first.refreshToken, ctx))).code).toBe('TOKEN_REUSED')
  })

  it('treats a grandparent within the grace window as reuse', async () => {
    const t = makeAuth()
    await t.signUp()
    const a = await t.signIn()
    const b = await t.auth.refresh(a.refreshToken, ctx)
    await t.auth.refresh(b.refreshToken, ctx)
    expect((await authError(t.auth.refresh(a.refreshToken, ctx))).code).toBe('TOKEN_REUSED')
  })

  it('lets exactly one of 50 parallel rotations win with grace 0', async () => {
    const t = makeAuth({ refreshToken: { reuseGraceSeconds: 0 } })
    await t.signUp()
    const { refreshToken } = await t.signIn()
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => t.auth.refresh(refreshToken, ctx)),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
  })

  it('gives every parallel caller the same successor within the grace window', async () => {
    const t = makeAuth()
    await t.signUp()
    const { refreshToken } = await t.signIn()
    const results = await Promise.all(Array.from({ length: 20 }, () => t.auth.refresh(refreshToken, ctx)))
    expect(new Set(results.map((r) => r.refreshToken)).size).toBe(1)
  })

  it('expires after 30 idle days and never outlives the 90-day session', async () => {
    const t = makeAuth()
    await t.signUp()
    let tokens = await t.signIn()
    t.clock.advance(30 * 86_400_000)
    expect((await authError(t.auth.refresh(tokens.refreshToken, ctx))).code).toBe('TOKEN_EXPIRED')
    tokens = await t.signIn()
    for (let i = 0; i < 3; i++) {
      t.clock.advance(29 * 86_400_000)
      tokens = await t.auth.refresh(tokens.refreshToken, ctx)
    }
    expect(tokens.refreshTokenExpiresAt).toBeLessThanOrEqual(t.clock.now() + 3 * 86_400_000)
    t.clock.advance(3 * 86_400_000)
    expect((await authError(t.auth.refresh(tokens.refreshToken, ctx))).code).toBe('TOKEN_EXPIRED')
  })

  it('gives rememberMe:false sessions a 24-hour life', async () => {
    const t = makeAuth()
    await t.signUp()
    const tokens = await t.signIn('ada@example.com', 'Correct-Horse-9', false)
    expect(tokens.rememberMe).toBe(false)
    expect(tokens.refreshTokenExpiresAt).toBe(t.clock.now() + 86_400_000)
  })

  it('refuses unknown, malformed and logged-out refresh tokens', async () => {
    const t = makeAuth()
    await t.signUp()
    const tokens = await t.signIn()
    expect((await authError(t.auth.refresh('unknown', ctx))).code).toBe('TOKEN_INVALID')
    expect((await authError(t.auth.refresh('', ctx))).code).toBe('VALIDATION_FAILED')
    await t.auth.logout(await t.auth.authenticate(tokens.accessToken), ctx)
    expect((await authError(t.auth.refresh(tokens.refreshToken, ctx))).code).toBe('TOKEN_INVALID')
  })

  it('refuses refresh for a blocked account', async () => {
    const t = makeAuth()
    await t.signUp()
    const tokens = await t.signIn()
    await t.store.updateUser(tokens.user.id, { status: 'blocked' }, t.clock.now())
    expect((await authError(t.auth.refresh(tokens.refreshToken, ctx))).code).toBe('ACCOUNT_DISABLED')
  })
})

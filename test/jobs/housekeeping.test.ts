import { describe, expect, it } from 'vitest'
import { ctx, makeAuth } from '../helpers.js'

const DAY = 86_400_000

describe('housekeeping', () => {
  it('removes expired one-time tokens, sessions and audit rows past retention, and nothing live', async () => {
    const t = makeAuth({ audit: { retentionDays: 30 } })
    await t.signUp('old@example.com')
    const old = await t.signIn('old@example.com')
    await t.auth.requestPasswordReset('old@example.com', ctx)
    t.clock.advance(31 * DAY)
    await t.signUp('new@example.com')
    const fresh = await t.signIn('new@example.com')

    const counts = await t.auth.housekeeping.runOnce()
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
    // The old session had idled out (30 days) and its rows may go; the new one is untouched.
    expect(await t.store.findRefreshToken(old.refreshToken)).toBeNull()
    expect((await t.auth.refresh(fresh.refreshToken, ctx)).user.email).toBe('new@example.com')
    const audit = await t.store.listAudit({ limit: 100 })
    expect(audit.every((e) => e.at >= t.clock.now() - 30 * DAY)).toBe(true)
    expect(audit.some((e) => e.type === 'login.success')).toBe(true)
    // Running it again finds nothing more: several instances running at once only share the work.
    const again = await t.auth.housekeeping.runOnce()
    expect(Object.values(again).every((n) => n === 0)).toBe(true)
  })

  it('starts and stops a periodic run', async () => {
    const t = makeAuth()
    t.auth.housekeeping.start(20)
    await new Promise((resolve) => setTimeout(resolve, 70))
    t.auth.housekeeping.stop()
    expect(t.logger.lines.filter((l) => l.message === 'housekeeping done').length).toBeGreaterThan(0)
  })
})

import { describe, expect, it } from 'vitest'
import { authError, ctx, makeAuth } from '../helpers.js'

const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
const safari =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'

describe('sessions and devices', () => {
  it('labels each session with its device and keeps the raw User-Agent', async () => {
    const t = makeAuth()
    await t.signUp()
    const login = await t.auth.login(
      { email: 'ada@example.com', password: 'Correct-Horse-9' },
      { ...ctx, userAgent: firefox },
    )
    if (login.type !== 'tokens') throw new Error('expected tokens')
    const [session] = await t.auth.listSessions(await t.auth.authenticate(login.tokens.accessToken))
    expect(session).toMatchObject({ device: 'Firefox on Linux', userAgent: firefox, current: true })
  })

  it('revokes every other session at once, keeping the current one', async () => {
    const t = makeAuth()
    await t.signUp()
    const one = await t.signIn()
    const two = await t.signIn()
    const three = await t.signIn()
    const p = await t.auth.authenticate(two.accessToken)
    expect(await t.auth.revokeOtherSessions(p, ctx)).toEqual({ revoked: 2 })
    expect((await t.auth.authenticate(two.accessToken)).sessionId).toBe(two.sessionId)
    for (const other of [one, three]) {
      expect((await authError(t.auth.authenticate(other.accessToken))).code).toBe('UNAUTHENTICATED')
      expect((await authError(t.auth.refresh(other.refreshToken, ctx))).code).toBe('TOKEN_INVALID')
    }
    expect((await t.auth.listSessions(p)).map((s) => s.id)).toEqual([two.sessionId])
    expect(await t.auth.revokeOtherSessions(p, ctx)).toEqual({ revoked: 0 })
    const audit = await t.auth.queryAudit({ type: 'session.revoke' })
    expect(audit.items[0]?.meta).toMatchObject({ others: true })
  })
})

describe('new-device sign-in mail', () => {
  const signInFrom = async (t: ReturnType<typeof makeAuth>, userAgent: string, ip: string) => {
    const result = await t.auth.login(
      { email: 'ada@example.com', password: 'Correct-Horse-9' },
      { ip, userAgent },
    )
    if (result.type !== 'tokens') throw new Error('expected tokens')
    await t.auth.outbox.runOnce()
  }
  const signInMails = (t: ReturnType<typeof makeAuth>) =>
    t.mailer.to('ada@example.com').filter((m) => m.kind === 'new-sign-in')

  it('is not sent for the first login, nor for a known device on the same network, but for a new one', async () => {
    const t = makeAuth()
    await t.signUp()
    await signInFrom(t, firefox, '203.0.113.7')
    expect(signInMails(t)).toHaveLength(0)
    await signInFrom(t, firefox, '203.0.113.200')
    expect(signInMails(t)).toHaveLength(0)
    await signInFrom(t, safari, '203.0.113.7')
    expect(signInMails(t)).toHaveLength(1)
    expect(signInMails(t)[0]?.text).toContain('Safari on iOS')
    expect(signInMails(t)[0]?.text).toContain('203.0.113.7')
    await signInFrom(t, firefox, '198.51.100.7')
    expect(signInMails(t)).toHaveLength(2)
    await signInFrom(t, firefox, '198.51.100.9')
    await signInFrom(t, safari, '203.0.113.99')
    expect(signInMails(t)).toHaveLength(2)
  })

  it('treats IPv6 addresses of one /64 as one network', async () => {
    const t = makeAuth()
    await t.signUp()
    await signInFrom(t, firefox, '2001:db8:1:2::10')
    await signInFrom(t, firefox, '2001:db8:1:2:aaaa::1')
    expect(signInMails(t)).toHaveLength(0)
    await signInFrom(t, firefox, '2001:db8:1:3::10')
    expect(signInMails(t)).toHaveLength(1)
  })

  it('can be turned off', async () => {
    const t = makeAuth({ sessions: { newDeviceMail: false } })
    await t.signUp()
    await signInFrom(t, firefox, '203.0.113.7')
    await signInFrom(t, safari, '198.51.100.7')
    expect(signInMails(t)).toHaveLength(0)
  })
})

import { randomBytes } from 'node:crypto'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createAuth } from '../../src/create-auth.js'
import { generateKeyRingSpec, serializeKeyRing } from '../../src/crypto/key-ring.js'
import { authError, ctx, fastHashing, makeAuth } from '../helpers.js'

describe('authenticate', () => {
  it('answers TOKEN_EXPIRED for a genuine token past its exp, UNAUTHENTICATED for forgeries', async () => {
    const t = makeAuth()
    await t.signUp()
    const { accessToken } = await t.signIn()
    const [h, p, s] = accessToken.split('.')
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString())
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url')}.${s}`
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: JSON.parse(Buffer.from(h!, 'base64url').toString()).kid })).toString('base64url')}.${p}.`
    const hs = await new SignJWT(claims)
      .setProtectedHeader({
        alg: 'HS256',
        kid: JSON.parse(Buffer.from(h!, 'base64url').toString()).kid,
        typ: 'at+jwt',
      })
      .sign(new TextEncoder().encode('x'.repeat(32)))
    for (const forged of [tampered, none, hs, 'garbage', '', `${h}.${p}`])
      expect((await authError(t.auth.authenticate(forged))).code).toBe('UNAUTHENTICATED')
    t.clock.advance(900_000)
    expect((await authError(t.auth.authenticate(accessToken))).code).toBe('TOKEN_EXPIRED')
  })

  it('refuses a token from another key ring or audience', async () => {
    const a = makeAuth()
    const b = makeAuth({ appUrl: 'http://other.example' })
    await a.signUp()
    const { accessToken } = await a.signIn()
    expect((await authError(b.auth.authenticate(accessToken))).code).toBe('UNAUTHENTICATED')
  })
})

describe('logout', () => {
  it('revokes this session and its access token at once, leaving others alive', async () => {
    const t = makeAuth()
    await t.signUp()
    const one = await t.signIn()
    const two = await t.signIn()
    await t.auth.logout(await t.auth.authenticate(one.accessToken), ctx)
    expect((await authError(t.auth.authenticate(one.accessToken))).code).toBe('UNAUTHENTICATED')
    expect((await t.auth.authenticate(two.accessToken)).sessionId).toBe(two.sessionId)
  })

  it('logout-all revokes every session and every access token', async () => {
    const t = makeAuth()
    await t.signUp()
    const one = await t.signIn()
    const two = await t.signIn()
    await t.auth.logoutAll(await t.auth.authenticate(one.accessToken), ctx)
    for (const tokens of [one, two]) {
      expect((await authError(t.auth.authenticate(tokens.accessToken))).code).toBe('UNAUTHENTICATED')
      expect((await authError(t.auth.refresh(tokens.refreshToken, ctx))).code).toBe('TOKEN_INVALID')
    }
    const three = await t.signIn()
    expect((await t.auth.authenticate(three.accessToken)).userId).toBe(three.user.id)
  })

  it('reaches another instance on the same store within the poll interval', async () => {
    const keys = serializeKeyRing(generateKeyRingSpec((n) => new Uint8Array(randomBytes(n))))
    const a = makeAuth({ keys, revocation: { pollIntervalMs: 100 } })
    const b = createAuth({
      appUrl: 'http://localhost:3000',
      hashing: fastHashing,
      store: a.store,
      clock: a.clock,
      logger: a.logger,
      keys,
      revocation: { pollIntervalMs: 100 },
    })
    await a.signUp()
    const tokens = await a.signIn()
    expect((await b.authenticate(tokens.accessToken)).sessionId).toBe(tokens.sessionId)
    await a.auth.logout(await a.auth.authenticate(tokens.accessToken), ctx)
    await new Promise((resolve) => setTimeout(resolve, 350))
    expect((await authError(b.authenticate(tokens.accessToken))).code).toBe('UNAUTHENTICATED')
    await Promise.all([a.auth.close(), b.close()])
  })
})

describe('sessions', () => {
  it('lists live sessions with the current one marked, and revokes by id', async () => {
    const t = makeAuth()
    await t.signUp()
    const one = await t.signIn()
    t.clock.advance(1000)
    const two = await t.signIn()
    const principal = await t.auth.authenticate(two.accessToken)
    const sessions = await t.auth.listSessions(principal)
    expect(sessions.map((s) => [s.id, s.current])).toEqual([
      [two.sessionId, true],
      [one.sessionId, false],
    ])
    expect(sessions[0]).toMatchObject({ ip: '203.0.113.7', userAgent: 'vitest' })
    expect(sessions[0]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    await t.auth.revokeSession(principal, one.sessionId, ctx)
    expect((await authError(t.auth.authenticate(one.accessToken))).code).toBe('UNAUTHENTICATED')
    expect((await authError(t.auth.revokeSession(principal, one.sessionId, ctx))).code).toBe('NOT_FOUND')
  })

  it("answers NOT_FOUND for another user's session", async () => {
    const t = makeAuth()
    await t.signUp('ada@example.com')
    await t.signUp('bob@example.com')
    const ada = await t.signIn('ada@example.com')
    const bob = await t.signIn('bob@example.com')
    const principal = await t.auth.authenticate(bob.accessToken)
    expect((await authError(t.auth.revokeSession(principal, ada.sessionId, ctx))).code).toBe('NOT_FOUND')
    expect((await t.auth.authenticate(ada.accessToken)).userId).toBe(ada.user.id)
  })

  it('me returns the public user and ACCOUNT_DISABLED once blocked', async () => {
    const t = makeAuth()
    await t.signUp()
    const tokens = await t.signIn()
    const principal = await t.auth.authenticate(tokens.accessToken)
    expect(await t.auth.me(principal)).toEqual(tokens.user)
    await t.store.updateUser(tokens.user.id, { status: 'blocked' }, t.clock.now())
    expect((await authError(t.auth.me(principal))).code).toBe('ACCOUNT_DISABLED')
  })
})

describe('revocation channel', () => {
  it('announces committed revocations to subscribers at once', async () => {
    const listeners: ((r: unknown[]) => void)[] = []
    const published: unknown[][] = []
    const revocationChannel = {
      async publish(records: never[]) {
        published.push(records)
        for (const l of listeners) l(records)
      },
      async subscribe(listener: (r: never[]) => void) {
        listeners.push(listener as (r: unknown[]) => void)
        return async () => {}
      },
    }
    const t = makeAuth({ revocationChannel })
    await t.signUp()
    const tokens = await t.signIn()
    await t.auth.logout(await t.auth.authenticate(tokens.accessToken), ctx)
    expect(published.flat()).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'session', subject: tokens.sessionId })]),
    )
    expect(listeners).toHaveLength(1)
  })

  it('keeps authenticating when the channel cannot subscribe, and says so in the log', async () => {
    const revocationChannel = {
      publish: async () => {},
      subscribe: async (): Promise<() => Promise<void>> => {
        throw new Error('redis down')
      },
    }
    const t = makeAuth({ revocationChannel })
    await t.signUp()
    const tokens = await t.signIn()
    expect((await t.auth.authenticate(tokens.accessToken)).sessionId).toBe(tokens.sessionId)
    expect(t.logger.lines.some((l) => l.message.includes('subscribe failed'))).toBe(true)
  })
})

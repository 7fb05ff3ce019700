import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createAuth } from '../../src/create-auth.js'
import { generateKeyRingSpec, serializeKeyRing } from '../../src/crypto/key-ring.js'
import { authError, ctx, fastHashing, makeAuth } from '../helpers.js'

const PASSWORD = 'Correct-Horse-9'
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url')

async function signedIn(overrides: Parameters<typeof makeAuth>[0] = {}) {
  const t = makeAuth(overrides)
  await t.signUp('ada@example.com', PASSWORD)
  const tokens = await t.signIn('ada@example.com', PASSWORD)
  return { ...t, tokens, principal: await t.auth.authenticate(tokens.accessToken) }
}

describe('API keys: creation and listing', () => {
  it('issues pk_ + 43 base64url characters once, stores only its SHA-256, and lists the prefix', async () => {
    const t = await signedIn()
    const created = await t.auth.createApiKey(
      t.principal,
      { name: ' CI deploys ', scopes: ['reports:read'], expiresInDays: 30, allowedIps: ['203.0.113.0/24'] },
      ctx,
    )
    expect(created.key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/)
    expect(created.apiKey).toEqual({
      id: expect.any(String),
      name: 'CI deploys',
      prefix: created.key.slice(0, 11),
      scopes: ['reports:read'],
      allowedIps: ['203.0.113.0/24'],
      expiresAt: '2026-01-31T00:00:00.000Z',
      lastUsedAt: null,
      usageCount: 0,
      createdAt: '2026-01-01T00:00:00.000Z',
    })
    const stored = await t.store.findApiKey(created.apiKey.id)
    expect(stored?.keyHash).toBe(sha256(created.key))
    expect(JSON.stringify(stored)).not.toContain(created.key.slice(11))
    expect(await t.auth.listApiKeys(t.principal)).toEqual([created.apiKey])
  })

  it('uses the configured tag', async () => {
    const t = await signedIn({ apiKeys: { tag: 'acme' } })
    const { key, apiKey } = await t.auth.createApiKey(t.principal, { name: 'x' }, ctx)
    expect(key).toMatch(/^acme_[A-Za-z0-9_-]{43}$/)
    expect(apiKey.prefix).toBe(key.slice(0, 11))
    expect((await t.auth.authenticateApiKey(key, ctx)).userId).toBe(t.principal.userId)
  })

  it('validates the input', async () => {
    const t = await signedIn({ apiKeys: { scopes: ['reports:read'], maxExpiresInDays: 90 } })
    const bad = [
      { name: '' },
      { name: 'x', scopes: ['Reports Read'] },
      { name: 'x', scopes: ['reports:write'] },
      { name: 'x', expiresInDays: 0 },
      { name: 'x', expiresInDays: 91 },
      { name: 'x', expiresInDays: 1.5 },
      { name: 'x', allowedIps: ['203.0.113.0/33'] },
      { name: 'x', allowedIps: ['example.com'] },
    ]
    for (const input of bad)
      expect(
        (await authError(t.auth.createApiKey(t.principal, input, ctx))).code,
        JSON.stringify(input),
      ).toBe('VALIDATION_FAILED')
    // With a maximum configured, a key without expiresInDays gets the maximum.
    const { apiKey } = await t.auth.createApiKey(t.principal, { name: 'x' }, ctx)
    expect(apiKey.expiresAt).toBe('2026-04-01T00:00:00.000Z')
  })

  it('needs a recent sign-in, and caps the keys per user', async () => {
    const t = await signedIn({ apiKeys: { maxPerUser: 2 } })
    await t.auth.createApiKey(t.principal, { name: 'a' }, ctx)
    await t.auth.createApiKey(t.principal, { name: 'b' }, ctx)
    expect((await authError(t.auth.createApiKey(t.principal, { name: 'c' }, ctx))).code).toBe('CONFLICT')
    t.clock.advance(11 * 60_000)
    const fresh = await t.auth.authenticate((await t.auth.refresh(t.tokens.refreshToken, ctx)).accessToken)
    const stale = await authError(t.auth.createApiKey(fresh, { name: 'd' }, ctx))
    expect(stale.code).toBe('STEP_UP_REQUIRED')
    expect(stale.details).toEqual({ maxAgeSeconds: 600 })
  })
})

describe('API keys: authentication', () => {
  it('resolves a key to its user with the key scopes, and refuses anything else', async () => {
    const t = await signedIn()
    const { key, apiKey } = await t.auth.createApiKey(
      t.principal,
      { name: 'ci', scopes: ['reports:read'] },
      ctx,
    )
    const p = await t.auth.authenticateApiKey(key, ctx)
    expect(p).toMatchObject({
      userId: t.principal.userId,
      roles: ['employee'],
      via: 'api-key',
      authTime: 0,
      amr: [],
      apiKey: { id: apiKey.id, name: 'ci', scopes: ['reports:read'] },
    })
    const wrong = `pk_${'A'.repeat(43)}`
    for (const other of [wrong, key.slice(0, -1), `${key}x`, '', 'Bearer x'])
      expect((await authError(t.auth.authenticateApiKey(other, ctx))).code).toBe('UNAUTHENTICATED')
  })

  it('never lets a key manage keys or sessions', async () => {
    const t = await signedIn()
    const { key, apiKey } = await t.auth.createApiKey(t.principal, { name: 'ci' }, ctx)
    const p = await t.auth.authenticateApiKey(key, ctx)
    for (const attempt of [
      t.auth.createApiKey(p, { name: 'more' }, ctx),
      t.auth.listApiKeys(p),
      t.auth.revokeApiKey(p, apiKey.id, ctx),
      t.auth.rotateApiKey(p, apiKey.id, ctx),
      t.auth.revokeOtherSessions(p, ctx),
    ])
      expect((await authError(attempt)).code).toBe('UNAUTHENTICATED')
  })

  it('refuses a request from outside allowedIps (IPv4 and IPv6 ranges)', async () => {
    const t = await signedIn()
    const { key } = await t.auth.createApiKey(
      t.principal,
      { name: 'ci', allowedIps: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'] },
      ctx,
    )
    for (const ip of ['203.0.113.200', '::ffff:203.0.113.9', '2001:db8:5::1', '198.51.100.7'])
      expect((await t.auth.authenticateApiKey(key, { ip })).userId).toBe(t.principal.userId)
    for (const ip of ['203.0.114.1', '2001:db9::1', '198.51.100.8', null])
      expect((await authError(t.auth.authenticateApiKey(key, { ip }))).code).toBe('FORBIDDEN')
  })

  it('stops working after its expiry', async () => {
    const t = await signedIn()
    const { key } = await t.auth.createApiKey(t.principal, { name: 'ci', expiresInDays: 1 }, ctx)
    await t.auth.authenticateApiKey(key, ctx)
    t.clock.advance(86_400_000)
    expect((await authError(t.auth.authenticateApiKey(key, ctx))).code).toBe('UNAUTHENTICATED')
  })

  it("follows the user's block and role changes at once, although the key is cached", async () => {
    const t = await signedIn()
    await t.auth.provisionUser({ email: 'root@example.com', password: PASSWORD, roles: ['admin'] })
    const admin = await t.auth.authenticate((await t.signIn('root@example.com', PASSWORD)).accessToken)
    const { key } = await t.auth.createApiKey(t.principal, { name: 'ci' }, ctx)
    expect((await t.auth.authenticateApiKey(key, ctx)).permissions).toEqual([])
    await t.auth.setUserRoles(admin, t.principal.userId, ['manager'], ctx)
    expect((await t.auth.authenticateApiKey(key, ctx)).permissions).toEqual(['users:read', 'audit:read'])
    await t.auth.blockUser(admin, t.principal.userId, ctx)
    expect((await authError(t.auth.authenticateApiKey(key, ctx))).code).toBe('ACCOUNT_DISABLED')
    await t.auth.unblockUser(admin, t.principal.userId, ctx)
    expect((await t.auth.authenticateApiKey(key, ctx)).userId).toBe(t.principal.userId)
  })

  it('records usage in memory and writes it in batches, not once per request', async () => {
    const t = await signedIn()
    const { key, apiKey } = await t.auth.createApiKey(t.principal, { name: 'ci' }, ctx)
    let lookups = 0
    let writes = 0
    const { findApiKeyByHash, recordApiKeyUsage } = t.store
    t.store.findApiKeyByHash = (hash) => {
      lookups++
      return findApiKeyByHash.call(t.store, hash)
    }
    t.store.recordApiKeyUsage = (batch) => {
      writes++
      return recordApiKeyUsage.call(t.store, batch)
    }
    for (let i = 0; i < 10; i++) {
      t.clock.advance(1000)
      await t.auth.authenticateApiKey(key, ctx)
    }
    expect({ lookups, writes }).toEqual({ lookups: 1, writes: 0 })
    await t.auth.close()
    expect(writes).toBe(1)
    const [listed] = await t.auth.listApiKeys(t.principal)
    expect(listed).toMatchObject({ id: apiKey.id, usageCount: 10, lastUsedAt: '2026-01-01T00:00:10.000Z' })
  })
})

describe('API keys: revocation and rotation', () => {
  it('a deleted key stops working at once, even when cached; another user cannot touch it', async () => {
    const t = await signedIn()
    await t.signUp('bob@example.com', PASSWORD)
    const bob = await t.auth.authenticate((await t.signIn('bob@example.com', PASSWORD)).accessToken)
    const { key, apiKey } = await t.auth.createApiKey(t.principal, { name: 'ci' }, ctx)
    await t.auth.authenticateApiKey(key, ctx)
    expect((await authError(t.auth.revokeApiKey(bob, apiKey.id, ctx))).code).toBe('NOT_FOUND')
    expect((await authError(t.auth.rotateApiKey(bob, apiKey.id, ctx))).code).toBe('NOT_FOUND')
    expect((await t.auth.authenticateApiKey(key, ctx)).userId).toBe(t.principal.userId)
    await t.auth.revokeApiKey(t.principal, apiKey.id, ctx)
    expect((await authError(t.auth.authenticateApiKey(key, ctx))).code).toBe('UNAUTHENTICATED')
    expect(await t.auth.listApiKeys(t.principal)).toEqual([])
    expect((await authError(t.auth.revokeApiKey(t.principal, apiKey.id, ctx))).code).toBe('NOT_FOUND')
    expect((await authError(t.auth.rotateApiKey(t.principal, apiKey.id, ctx))).code).toBe('NOT_FOUND')
  })

  it('rotation: the old key stops at once, the new one works with the same id and settings', async () => {
    const t = await signedIn()
    const { key, apiKey } = await t.auth.createApiKey(t.principal, { name: 'ci', scopes: ['a:b'] }, ctx)
    await t.auth.authenticateApiKey(key, ctx)
    const rotated = await t.auth.rotateApiKey(t.principal, apiKey.id, ctx)
    expect(rotated.key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/)
    expect(rotated.key).not.toBe(key)
    expect(rotated.apiKey).toMatchObject({
      id: apiKey.id,
      name: 'ci',
      scopes: ['a:b'],
      prefix: rotated.key.slice(0, 11),
    })
    expect((await authError(t.auth.authenticateApiKey(key, ctx))).code).toBe('UNAUTHENTICATED')
    expect((await t.auth.authenticateApiKey(rotated.key, ctx)).apiKey?.id).toBe(apiKey.id)
  })

  it('of 20 parallel rotations exactly one key survives; the losers of a race answer CONFLICT', async () => {
    const t = await signedIn()
    const { key, apiKey } = await t.auth.createApiKey(t.principal, { name: 'ci' }, ctx)
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => t.auth.rotateApiKey(t.principal, apiKey.id, ctx)),
    )
    // The memory store runs transactions one after another (each rotation then rotates the previous one's
    // key); SQL stores run them concurrently (one wins the compare-and-set). Either way one key remains.
    const issued = [key]
    for (const r of results) {
      if (r.status === 'fulfilled') issued.push(r.value.key)
      else expect(r.reason).toMatchObject({ code: 'CONFLICT' })
    }
    const working = []
    for (const candidate of issued)
      if (
        await t.auth.authenticateApiKey(candidate, ctx).then(
          () => true,
          () => false,
        )
      )
        working.push(candidate)
    expect(working).toHaveLength(1)
  })

  it('reaches another instance on the same store within the poll interval', async () => {
    const keys = serializeKeyRing(generateKeyRingSpec((n) => new Uint8Array(randomBytes(n))))
    const a = await signedIn({ keys, revocation: { pollIntervalMs: 100 } })
    const b = createAuth({
      appUrl: 'http://localhost:3000',
      hashing: fastHashing,
      store: a.store,
      clock: a.clock,
      logger: a.logger,
      keys,
      revocation: { pollIntervalMs: 100 },
    })
    const { key, apiKey } = await a.auth.createApiKey(a.principal, { name: 'ci' }, ctx)
    expect((await b.authenticateApiKey(key, ctx)).userId).toBe(a.principal.userId)
    await a.auth.revokeApiKey(a.principal, apiKey.id, ctx)
    await new Promise((resolve) => setTimeout(resolve, 350))
    expect((await authError(b.authenticateApiKey(key, ctx))).code).toBe('UNAUTHENTICATED')
    await Promise.all([a.auth.close(), b.close()])
  })
})

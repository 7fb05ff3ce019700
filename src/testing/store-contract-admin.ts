import { describe, expect, it } from 'vitest'
import type { Store } from '../ports.js'
import { user as fixtureUser, t0, minute } from './store-contract-fixtures.js'
import type { ApiKeyRecord, UserRecord } from '../types.js'

/** A verified, passwordless `employee` account (the defaults these tests rely on). */
const user = (id: string, email: string, overrides: Partial<UserRecord> = {}): UserRecord =>
  fixtureUser(id, email, {
    name: null,
    passwordHash: null,
    emailVerifiedAt: t0,
    roles: ['employee'],
    ...overrides,
  })

const apiKey = (id: string, userId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id,
  userId,
  name: `key ${id}`,
  prefix: `pk_${id}`.slice(0, 11),
  keyHash: `hash-${id}`,
  scopes: ['reports:read', 'reports:write'],
  allowedIps: ['203.0.113.0/24', '2001:db8::/32'],
  expiresAt: t0 + 30 * 24 * 60 * minute,
  createdAt: t0,
  lastUsedAt: null,
  usageCount: 0,
  rotatedAt: null,
  revokedAt: null,
  ...overrides,
})

/**
 * The admin, API-key and known-device part of the store contract; `storeContract` runs it inside its own
 * suite, whose `beforeEach` provides a fresh store through `current`.
 */
export function adminStoreContract(current: () => Store): void {
  const withUser = async (id = 'u1', email = `${id}@example.com`, overrides: Partial<UserRecord> = {}) => {
    await current().createUser(user(id, email, overrides))
  }

  describe('listing users', () => {
    const ids = (list: UserRecord[]) => list.map((u) => u.id)

    it('lists newest first, searches email and name case-insensitively, and pages by cursor', async () => {
      const store = current()
      await withUser('u1', 'ada@example.com', { name: 'Ada Lovelace', createdAt: t0 })
      await withUser('u2', 'Bob@Example.com', { name: 'Robert', createdAt: t0 + 1 })
      await withUser('u3', 'carol@other.org', { name: null, createdAt: t0 + 1 })
      await withUser('u4', 'dan_100%@example.com', { name: 'Daniel', createdAt: t0 + 2 })
      expect(ids(await store.listUsers({ limit: 10 }))).toEqual(['u4', 'u3', 'u2', 'u1'])
      expect((await store.listUsers({ limit: 10 }))[3]).toEqual(
        user('u1', 'ada@example.com', { name: 'Ada Lovelace' }),
      )
      expect(ids(await store.listUsers({ search: 'EXAMPLE', limit: 10 }))).toEqual(['u4', 'u2', 'u1'])
      expect(ids(await store.listUsers({ search: 'lovelace', limit: 10 }))).toEqual(['u1'])
      expect(ids(await store.listUsers({ search: 'bob@', limit: 10 }))).toEqual(['u2'])
      // LIKE wildcards in the search are literal characters.
      expect(ids(await store.listUsers({ search: '_100%', limit: 10 }))).toEqual(['u4'])
      expect(ids(await store.listUsers({ search: '%', limit: 10 }))).toEqual(['u4'])
      expect(ids(await store.listUsers({ search: 'a_a', limit: 10 }))).toEqual([])

      const pages: string[][] = []
      let cursor: string | undefined
      for (let page = 0; page < 4; page++) {
        const list = await store.listUsers({ limit: 2, ...(cursor ? { cursor } : {}) })
        pages.push(ids(list))
        cursor = list.at(-1)?.id
        if (!cursor) break
      }
      expect(pages).toEqual([['u4', 'u3'], ['u2', 'u1'], []])
      expect(ids(await store.listUsers({ search: 'example', limit: 5, cursor: 'u4' }))).toEqual(['u2', 'u1'])
      expect(await store.listUsers({ limit: 5, cursor: 'nobody' })).toEqual([])
    })
  })

  describe('API keys', () => {
    it('stores keys exactly as written, finds them by hash and id, and lists the live ones newest first', async () => {
      const store = current()
      await withUser('u1')
      await withUser('u2')
      const a = apiKey('k1', 'u1')
      const b = apiKey('k2', 'u1', { createdAt: t0 + 1, scopes: [], allowedIps: [], expiresAt: null })
      const c = apiKey('k3', 'u2')
      for (const k of [a, b, c]) await store.createApiKey(k)
      expect(await store.findApiKeyByHash('hash-k1')).toEqual(a)
      expect(await store.findApiKey('k2')).toEqual(b)
      expect(await store.findApiKeyByHash('nope')).toBeNull()
      expect(await store.findApiKey('nope')).toBeNull()
      expect((await store.listApiKeys('u1')).map((k) => k.id)).toEqual(['k2', 'k1'])
      expect(await store.listApiKeys('u3')).toEqual([])
    })

    it('refuses a second key with the same hash', async () => {
      const store = current()
      await withUser('u1')
      await store.createApiKey(apiKey('k1', 'u1'))
      await expect(store.createApiKey(apiKey('k2', 'u1', { keyHash: 'hash-k1' }))).rejects.toThrow()
      expect(await store.findApiKey('k2')).toBeNull()
    })

    it('revokes a key once, only for its owner; a revoked key is found as revoked and no longer listed', async () => {
      const store = current()
      await withUser('u1')
      await withUser('u2')
      await store.createApiKey(apiKey('k1', 'u1'))
      expect(await store.revokeApiKey('u2', 'k1', t0 + minute)).toBe(false)
      expect(await store.revokeApiKey('u1', 'nope', t0 + minute)).toBe(false)
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.revokeApiKey('u1', 'k1', t0 + minute)),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
      expect((await store.findApiKeyByHash('hash-k1'))?.revokedAt).toBe(t0 + minute)
      expect(await store.listApiKeys('u1')).toEqual([])
    })

    it('rotates with compare-and-set: of 20 parallel rotations exactly one wins, and the old hash is gone', async () => {
      const store = current()
      await withUser('u1')
      await store.createApiKey(apiKey('k1', 'u1', { usageCount: 3 }))
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.rotateApiKey({
            userId: 'u1',
            id: 'k1',
            currentHash: 'hash-k1',
            nextHash: `next-${i}`,
            nextPrefix: `pk_next${i}`,
            now: t0 + minute,
          }),
        ),
      )
      const winners = results.filter((r) => r !== null)
      expect(winners).toHaveLength(1)
      const winner = winners[0]!
      expect(winner).toMatchObject({ id: 'k1', rotatedAt: t0 + minute, usageCount: 3, revokedAt: null })
      expect(await store.findApiKeyByHash(winner.keyHash)).toEqual(winner)
      expect(await store.findApiKeyByHash('hash-k1')).toBeNull()
      const losers = Array.from({ length: 20 }, (_, i) => `next-${i}`).filter((h) => h !== winner.keyHash)
      for (const hash of losers) expect(await store.findApiKeyByHash(hash)).toBeNull()
    })

    it("does not rotate another user's, a revoked, or an already rotated key", async () => {
      const store = current()
      await withUser('u1')
      await withUser('u2')
      await store.createApiKey(apiKey('k1', 'u1'))
      await store.createApiKey(apiKey('k2', 'u1'))
      const rotate = (userId: string, id: string, currentHash: string) =>
        store.rotateApiKey({ userId, id, currentHash, nextHash: `n-${id}`, nextPrefix: 'pk_n', now: t0 })
      expect(await rotate('u2', 'k1', 'hash-k1')).toBeNull()
      expect(await rotate('u1', 'k1', 'stale')).toBeNull()
      await store.revokeApiKey('u1', 'k2', t0)
      expect(await rotate('u1', 'k2', 'hash-k2')).toBeNull()
      expect(await store.findApiKeyByHash('hash-k1')).toEqual(apiKey('k1', 'u1'))
    })

    it('adds usage batches without losing concurrent increments, moving lastUsedAt only forward', async () => {
      const store = current()
      await withUser('u1')
      await store.createApiKey(apiKey('k1', 'u1'))
      await store.createApiKey(apiKey('k2', 'u1'))
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.recordApiKeyUsage([
            { id: 'k1', count: 2, lastUsedAt: t0 + i * minute },
            { id: 'nope', count: 1, lastUsedAt: t0 },
          ]),
        ),
      )
      await store.recordApiKeyUsage([{ id: 'k1', count: 1, lastUsedAt: t0 }])
      await store.recordApiKeyUsage([])
      expect(await store.findApiKey('k1')).toMatchObject({ usageCount: 21, lastUsedAt: t0 + 9 * minute })
      expect(await store.findApiKey('k2')).toMatchObject({ usageCount: 0, lastUsedAt: null })
    })
  })

  describe('known devices', () => {
    it('answers first, then new, then known, per user', async () => {
      const store = current()
      await withUser('u1')
      await withUser('u2')
      expect(await store.recordDeviceSighting('u1', 'fp-a', t0)).toBe('first')
      expect(await store.recordDeviceSighting('u1', 'fp-a', t0 + 1)).toBe('known')
      expect(await store.recordDeviceSighting('u1', 'fp-b', t0 + 2)).toBe('new')
      expect(await store.recordDeviceSighting('u2', 'fp-a', t0 + 3)).toBe('first')
      expect(await store.recordDeviceSighting('u1', 'fp-b', t0 + 4)).toBe('known')
    })

    it('gives exactly one of concurrent sightings of one device a first sighting', async () => {
      const store = current()
      await withUser('u1')
      await store.recordDeviceSighting('u1', 'fp-a', t0)
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.recordDeviceSighting('u1', 'fp-b', t0 + 1)),
      )
      expect(results.filter((r) => r !== 'known')).toEqual(['new'])
    })
  })
}

import { describe, expect, it } from 'vitest'
import type { Store } from '../ports.js'
import { t0, times, user } from './store-contract-fixtures.js'

/**
 * The users part of the store contract (reads, unique normalised emails, patches, token versions, sign-up
 * races); `storeContract` runs it inside its own suite, whose `beforeEach` provides a fresh store through `current`.
 */
export function usersStoreContract(current: () => Store): void {
  describe('users', () => {
    it('returns users exactly as written, by id and by normalised email', async () => {
      const store = current()
      const a = user('u1', 'Ada@Example.com', { emailVerifiedAt: t0 + 5, locale: 'de', mfaEnabled: true })
      const b = user('u2', 'bob@example.com', { name: null, passwordHash: null, roles: [] })
      expect(await store.createUser(a)).toBe(true)
      expect(await store.createUser(b)).toBe(true)
      expect(await store.findUserById('u1')).toEqual(a)
      expect(await store.findUserByEmail('ada@example.com')).toEqual(a)
      expect(await store.findUserById('u2')).toEqual(b)
      expect(await store.findUserById('nobody')).toBeNull()
      expect(await store.findUserByEmail('nobody@example.com')).toBeNull()
    })

    it('refuses a taken normalised email and writes nothing', async () => {
      const store = current()
      await store.createUser(user('u1', 'ada@example.com'))
      expect(await store.createUser(user('u2', 'ADA@example.com'))).toBe(false)
      expect(await store.findUserById('u2')).toBeNull()
      expect((await store.findUserByEmail('ada@example.com'))?.id).toBe('u1')
    })

    it('compares normalised emails and ids as exact strings', async () => {
      const store = current()
      // The core has already trimmed and lower-cased; a store must not fold further (a case- or
      // accent-insensitive collation would make "ß" and "s" one address).
      expect(await store.createUser(user('u1', 'strase@example.com'))).toBe(true)
      expect(await store.createUser(user('u2', 'straße@example.com'))).toBe(true)
      expect(await store.createUser(user('U1', 'other@example.com'))).toBe(true)
      expect((await store.findUserByEmail('straße@example.com'))?.id).toBe('u2')
      expect((await store.findUserById('U1'))?.email).toBe('other@example.com')
      expect(await store.findUserByEmail('STRASE@example.com')).toBeNull()
    })

    it('does not share objects with callers', async () => {
      const store = current()
      const a = user('u1', 'ada@example.com')
      await store.createUser(a)
      a.roles.push('admin')
      const read = await store.findUserById('u1')
      read?.roles.push('root')
      expect((await store.findUserById('u1'))?.roles).toEqual(['user', 'editor'])
    })

    it('applies a patch, sets updatedAt and moves the email lookup', async () => {
      const store = current()
      await store.createUser(user('u1', 'ada@example.com'))
      const patch = {
        email: 'Ada@New.example',
        emailNormalized: 'ada@new.example',
        name: null,
        emailVerifiedAt: t0 + 1,
        roles: ['admin'],
        mfaEnabled: true,
        status: 'blocked' as const,
      }
      const updated = await store.updateUser('u1', patch, t0 + 2)
      const expected = { ...user('u1', 'ada@example.com'), ...patch, updatedAt: t0 + 2 }
      expect(updated).toEqual(expected)
      expect(await store.findUserById('u1')).toEqual(expected)
      expect(await store.findUserByEmail('ada@example.com')).toBeNull()
      expect((await store.findUserByEmail('ada@new.example'))?.id).toBe('u1')
      expect(await store.updateUser('nobody', { name: 'x' }, t0)).toBeNull()
    })

    it('increments the token version atomically', async () => {
      const store = current()
      await store.createUser(user('u1', 'ada@example.com'))
      expect(await store.incrementTokenVersion('u1', t0 + 1)).toBe(1)
      const versions = await Promise.all(times(20, () => store.incrementTokenVersion('u1', t0 + 2)))
      expect([...versions].sort((a, b) => a - b)).toEqual(times(20, (i) => i + 2))
      expect(await store.findUserById('u1')).toMatchObject({ tokenVersion: 21, updatedAt: t0 + 2 })
    })

    for (const n of [2, 20]) {
      it(`lets exactly one of ${n} parallel sign-ups with one email (in different cases) win`, async () => {
        const store = current()
        const emails = times(n, (i) => (i % 2 ? 'ADA@EXAMPLE.COM' : `Ada@Example.com`))
        const results = await Promise.all(emails.map((e, i) => store.createUser(user(`u${i}`, e))))
        expect(results.filter(Boolean)).toHaveLength(1)
        const winner = results.indexOf(true)
        expect((await store.findUserByEmail('ada@example.com'))?.id).toBe(`u${winner}`)
      })
    }
  })
}

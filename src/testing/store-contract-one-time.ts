import { beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../ports.js'
import { hour, minute, oneTime, t0, times, user } from './store-contract-fixtures.js'

/**
 * The one-time token part of the store contract (consume once, expiry, replacement, counting);
 * `storeContract` runs it inside its own suite, whose `beforeEach` provides a fresh store through `current`.
 */
export function oneTimeStoreContract(current: () => Store): void {
  describe('one-time tokens', () => {
    beforeEach(async () => {
      const store = current()
      await store.createUser(user('u1', 'ada@example.com'))
      await store.createUser(user('u2', 'bob@example.com'))
    })

    it('returns tokens exactly as written, data included', async () => {
      const store = current()
      const withData = oneTime('h1', 'u1', { kind: 'email-change', data: { newEmail: 'a@b.c', n: [1, 2] } })
      await store.createOneTimeToken(withData, { replaceExisting: false })
      await store.createOneTimeToken(oneTime('h2', 'u1'), { replaceExisting: false })
      expect(await store.findOneTimeToken('h1')).toEqual(withData)
      expect(await store.findOneTimeToken('h2')).toEqual(oneTime('h2', 'u1'))
      expect(await store.findOneTimeToken('nope')).toBeNull()
    })

    it('consumes a token of the right kind once, before it expires', async () => {
      const store = current()
      await store.createOneTimeToken(oneTime('h1', 'u1', { data: { x: 1 } }), { replaceExisting: false })
      expect(await store.consumeOneTimeToken('h1', 'verify-email', t0 + 1)).toBeNull()
      const consumed = await store.consumeOneTimeToken('h1', 'password-reset', t0 + 2)
      expect(consumed).toEqual(oneTime('h1', 'u1', { data: { x: 1 }, consumedAt: t0 + 2 }))
      expect(await store.consumeOneTimeToken('h1', 'password-reset', t0 + 3)).toBeNull()
      expect(await store.findOneTimeToken('h1')).toMatchObject({ consumedAt: t0 + 2 })
      expect(await store.consumeOneTimeToken('nope', 'password-reset', t0)).toBeNull()
    })

    it('refuses an expired token and leaves it unconsumed', async () => {
      const store = current()
      await store.createOneTimeToken(oneTime('h1', 'u1'), { replaceExisting: false })
      expect(await store.consumeOneTimeToken('h1', 'password-reset', t0 + hour)).toBeNull()
      expect(await store.findOneTimeToken('h1')).toMatchObject({ consumedAt: null })
      expect(await store.consumeOneTimeToken('h1', 'password-reset', t0 + hour - 1)).not.toBeNull()
    })

    it('hands a token to exactly one of 50 parallel consumers', async () => {
      const store = current()
      await store.createOneTimeToken(oneTime('h1', 'u1'), { replaceExisting: false })
      const results = await Promise.all(
        times(50, () => store.consumeOneTimeToken('h1', 'password-reset', t0 + 1)),
      )
      expect(results.filter((r) => r !== null)).toHaveLength(1)
    })

    it('voids older unconsumed tokens of the same kind and user only, with replaceExisting', async () => {
      const store = current()
      await store.createOneTimeToken(oneTime('old', 'u1'), { replaceExisting: false })
      await store.createOneTimeToken(oneTime('other-kind', 'u1', { kind: 'verify-email' }), {
        replaceExisting: false,
      })
      await store.createOneTimeToken(oneTime('other-user', 'u2'), { replaceExisting: false })
      await store.createOneTimeToken(oneTime('new', 'u1', { createdAt: t0 + 1 }), { replaceExisting: true })
      expect(await store.consumeOneTimeToken('old', 'password-reset', t0 + 2)).toBeNull()
      expect(await store.consumeOneTimeToken('other-kind', 'verify-email', t0 + 2)).not.toBeNull()
      expect(await store.consumeOneTimeToken('other-user', 'password-reset', t0 + 2)).not.toBeNull()
      expect(await store.consumeOneTimeToken('new', 'password-reset', t0 + 2)).not.toBeNull()
    })

    it('counts tokens of a kind created for a user since an instant, replaced ones included', async () => {
      const store = current()
      for (const [i, at] of [t0, t0 + minute, t0 + 2 * minute].entries()) {
        await store.createOneTimeToken(oneTime(`h${i}`, 'u1', { createdAt: at }), { replaceExisting: true })
      }
      await store.createOneTimeToken(oneTime('v', 'u1', { kind: 'verify-email' }), {
        replaceExisting: false,
      })
      await store.createOneTimeToken(oneTime('b', 'u2'), { replaceExisting: false })
      expect(await store.countOneTimeTokens('u1', 'password-reset', t0)).toBe(3)
      expect(await store.countOneTimeTokens('u1', 'password-reset', t0 + minute)).toBe(2)
      expect(await store.countOneTimeTokens('u1', 'verify-email', t0)).toBe(1)
      expect(await store.countOneTimeTokens('u2', 'email-change', t0)).toBe(0)
    })
  })
}

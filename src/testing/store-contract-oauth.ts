import { describe, expect, it } from 'vitest'
import type { Store } from '../ports.js'
import { user as fixtureUser, t0 } from './store-contract-fixtures.js'
import type { IdentityRecord, UserRecord } from '../types.js'

/** A verified, passwordless `employee` account (the defaults these tests rely on). */
const user = (id: string, overrides: Partial<UserRecord> = {}): UserRecord =>
  fixtureUser(id, `${id}@example.com`, {
    name: null,
    passwordHash: null,
    emailVerifiedAt: t0,
    roles: ['employee'],
    ...overrides,
  })

const identity = (id: string, userId: string, overrides: Partial<IdentityRecord> = {}): IdentityRecord => ({
  id,
  userId,
  provider: 'google',
  subject: `sub-${id}`,
  email: `${userId}@example.com`,
  emailVerified: true,
  createdAt: t0,
  lastUsedAt: t0,
  ...overrides,
})

const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA'

/**
 * The linked-identity part of the store contract; `storeContract` runs it inside its own suite, whose
 * `beforeEach` provides a fresh store through `current`.
 */
export function oauthStoreContract(current: () => Store): void {
  const withUsers = async (...ids: string[]) => {
    for (const id of ids) await current().createUser(user(id))
  }

  describe('linked identities', () => {
    it('links, finds by (provider, subject) and lists a user’s identities oldest first, exactly as written', async () => {
      const store = current()
      await withUsers('u1', 'u2')
      const github = identity('i2', 'u1', { provider: 'github', subject: '583231', createdAt: t0 + 5 })
      const google = identity('i1', 'u1', { email: null, emailVerified: false })
      expect(await store.linkIdentity(github)).toBe('linked')
      expect(await store.linkIdentity(google)).toBe('linked')
      expect(await store.findIdentity('github', '583231')).toEqual(github)
      expect(await store.findIdentity('google', 'sub-i1')).toEqual(google)
      expect(await store.findIdentity('google', '583231')).toBeNull()
      expect(await store.findIdentity('github', 'sub-i1')).toBeNull()
      expect(await store.listIdentities('u1')).toEqual([google, github])
      expect(await store.listIdentities('u2')).toEqual([])
    })

    it('does not share objects with callers', async () => {
      const store = current()
      await withUsers('u1')
      const linked = identity('i1', 'u1')
      await store.linkIdentity(linked)
      linked.email = 'changed@example.com'
      const found = await store.findIdentity('google', 'sub-i1')
      expect(found?.email).toBe('u1@example.com')
      if (found) found.subject = 'changed'
      expect((await store.listIdentities('u1'))[0]?.subject).toBe('sub-i1')
    })

    it('refuses a (provider, subject) linked already, to anyone, and a second identity of one provider', async () => {
      const store = current()
      await withUsers('u1', 'u2')
      expect(await store.linkIdentity(identity('i1', 'u1', { subject: 'S' }))).toBe('linked')
      expect(await store.linkIdentity(identity('i2', 'u2', { subject: 'S' }))).toBe('identity-taken')
      expect(await store.linkIdentity(identity('i3', 'u1', { subject: 'S' }))).toBe('identity-taken')
      expect(await store.linkIdentity(identity('i4', 'u1', { subject: 'T' }))).toBe('provider-taken')
      // Subjects are per provider: the same string at another provider is another account.
      expect(await store.linkIdentity(identity('i5', 'u2', { provider: 'github', subject: 'S' }))).toBe(
        'linked',
      )
      expect((await store.findIdentity('google', 'S'))?.userId).toBe('u1')
      expect(await store.findIdentity('google', 'T')).toBeNull()
      expect((await store.listIdentities('u2')).map((i) => i.id)).toEqual(['i5'])
    })

    it('compares providers and subjects as exact strings', async () => {
      const store = current()
      await withUsers('u1', 'u2')
      expect(await store.linkIdentity(identity('i1', 'u1', { subject: 'abc' }))).toBe('linked')
      expect(await store.linkIdentity(identity('i2', 'u2', { subject: 'ABC' }))).toBe('linked')
      expect((await store.findIdentity('google', 'ABC'))?.userId).toBe('u2')
      expect(await store.findIdentity('Google', 'abc')).toBeNull()
    })

    it('of 20 parallel links of one (provider, subject), exactly one wins', async () => {
      const store = current()
      const ids = Array.from({ length: 20 }, (_, i) => `u${i}`)
      await withUsers(...ids)
      const results = await Promise.all(
        ids.map((userId, i) => store.linkIdentity(identity(`i${i}`, userId, { subject: 'contested' }))),
      )
      expect(results.filter((r) => r === 'linked')).toHaveLength(1)
      expect(results.filter((r) => r === 'identity-taken')).toHaveLength(19)
      const winner = ids[results.indexOf('linked')]
      expect((await store.findIdentity('google', 'contested'))?.userId).toBe(winner)
    })

    it('of parallel links of one user to one provider, exactly one wins', async () => {
      const store = current()
      await withUsers('u1')
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.linkIdentity(identity(`i${i}`, 'u1', { subject: `s${i}` })),
        ),
      )
      expect(results.filter((r) => r === 'linked')).toHaveLength(1)
      expect(await store.listIdentities('u1')).toHaveLength(1)
    })

    it('a refused link does not abort the transaction it runs in', async () => {
      const store = current()
      await withUsers('u1')
      await store.linkIdentity(identity('i1', 'u1', { subject: 'S' }))
      const answer = await store.transaction(async (tx) => {
        await tx.createUser(user('u2'))
        const linked = await tx.linkIdentity(identity('i2', 'u2', { subject: 'S' }))
        // The transaction must still be usable after the refusal (a failed statement aborts one on Postgres).
        await tx.createUser(user('u3'))
        return linked
      })
      expect(answer).toBe('identity-taken')
      expect(await store.findUserById('u2')).not.toBeNull()
      expect(await store.findUserById('u3')).not.toBeNull()
    })

    it('rolls a link back with its transaction', async () => {
      const store = current()
      const failed = store.transaction(async (tx) => {
        await tx.createUser(user('u1'))
        await tx.linkIdentity(identity('i1', 'u1'))
        throw new Error('boom')
      })
      await expect(failed).rejects.toThrow('boom')
      expect(await store.findIdentity('google', 'sub-i1')).toBeNull()
      await withUsers('u1')
      expect(await store.linkIdentity(identity('i1', 'u1'))).toBe('linked')
    })

    it('records a sign-in: last use and the email the provider reports now', async () => {
      const store = current()
      await withUsers('u1')
      await store.linkIdentity(identity('i1', 'u1'))
      await store.recordIdentitySignIn('i1', { email: 'New@Example.com', emailVerified: false, now: t0 + 9 })
      expect(await store.findIdentity('google', 'sub-i1')).toEqual(
        identity('i1', 'u1', { email: 'New@Example.com', emailVerified: false, lastUsedAt: t0 + 9 }),
      )
      await store.recordIdentitySignIn('i1', { email: null, emailVerified: false, now: t0 + 10 })
      expect((await store.findIdentity('google', 'sub-i1'))?.email).toBeNull()
      await store.recordIdentitySignIn('unknown', { email: null, emailVerified: false, now: t0 })
    })

    it('unlinks, but never a passwordless user’s last identity', async () => {
      const store = current()
      await withUsers('u1')
      await store.createUser(user('u2', { passwordHash: PASSWORD_HASH }))
      await store.linkIdentity(identity('i1', 'u1'))
      await store.linkIdentity(identity('i2', 'u1', { provider: 'github' }))
      await store.linkIdentity(identity('i3', 'u2'))
      expect(await store.unlinkIdentity('u1', 'gitlab')).toBe('not-found')
      expect(await store.unlinkIdentity('u2', 'github')).toBe('not-found')
      expect(await store.unlinkIdentity('u1', 'google')).toBe('unlinked')
      expect(await store.unlinkIdentity('u1', 'github')).toBe('last-method')
      expect((await store.listIdentities('u1')).map((i) => i.id)).toEqual(['i2'])
      // With a password the last identity may go: the password still signs in.
      expect(await store.unlinkIdentity('u2', 'google')).toBe('unlinked')
      expect(await store.listIdentities('u2')).toEqual([])
      expect(await store.findIdentity('google', 'sub-i1')).toBeNull()
      // The subject is free again once unlinked.
      expect(await store.linkIdentity(identity('i4', 'u2', { subject: 'sub-i1' }))).toBe('linked')
    })

    it('of parallel unlinks of every identity of a passwordless user, exactly one is refused', async () => {
      const store = current()
      await withUsers('u1')
      const providers = ['google', 'github', 'gitlab', 'okta', 'azure']
      for (const [i, provider] of providers.entries())
        await store.linkIdentity(identity(`i${i}`, 'u1', { provider }))
      const results = await Promise.all(providers.map((p) => store.unlinkIdentity('u1', p)))
      expect(results.filter((r) => r === 'unlinked')).toHaveLength(4)
      expect(results.filter((r) => r === 'last-method')).toHaveLength(1)
      expect(await store.listIdentities('u1')).toHaveLength(1)
    })
  })
}

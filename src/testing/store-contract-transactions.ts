import { describe, expect, it } from 'vitest'
import type { Store } from '../ports.js'
import { audit, refresh, session, t0, times, user, withSession } from './store-contract-fixtures.js'

/**
 * The transactions part of the store contract (commit, rollback, nesting, concurrent transactions);
 * `storeContract` runs it inside its own suite, whose `beforeEach` provides a fresh store through `current`.
 */
export function transactionsStoreContract(current: () => Store): void {
  describe('transactions', () => {
    it('commits writes through tx and returns the callback result', async () => {
      const store = current()
      const result = await store.transaction(async (tx) => {
        await tx.createUser(user('u1', 'ada@example.com'))
        return tx.transaction(async (inner) => {
          await inner.appendAudit(audit('e1', t0))
          return 'done'
        })
      })
      expect(result).toBe('done')
      expect(await store.findUserById('u1')).not.toBeNull()
      expect(await store.listAudit({ limit: 10 })).toHaveLength(1)
    })

    it('rolls back every write when the callback throws', async () => {
      const store = current()
      const failure = new Error('boom')
      await expect(
        store.transaction(async (tx) => {
          await tx.createUser(user('u1', 'ada@example.com'))
          await tx.createSession(session('s1', 'u1'), refresh('r1', session('s1', 'u1')))
          throw failure
        }),
      ).rejects.toBe(failure)
      expect(await store.findUserById('u1')).toBeNull()
      expect(await store.findUserByEmail('ada@example.com')).toBeNull()
      expect(await store.findSession('s1')).toBeNull()
      expect(await store.findRefreshTokenById('r1')).toBeNull()
      expect(await store.createUser(user('u2', 'ada@example.com'))).toBe(true)
    })

    it('answers a taken email with false inside a transaction, which then still commits', async () => {
      const store = current()
      await store.createUser(user('u1', 'ada@example.com'))
      const result = await store.transaction(async (tx) => {
        const created = await tx.createUser(user('u2', 'Ada@Example.com'))
        await tx.appendAudit(audit('e1', t0, { type: 'register.duplicate' }))
        return created
      })
      expect(result).toBe(false)
      expect(await store.findUserById('u2')).toBeNull()
      expect((await store.listAudit({ limit: 10 })).map((e) => e.id)).toEqual(['e1'])
    })

    it('commits 20 concurrent transactions that each revoke the sessions of a user and start a new one', async () => {
      const store = current()
      // A password change racing logins of the same user: each locks the user's sessions, then inserts into
      // the range it locked. Under InnoDB's REPEATABLE READ this deadlocked (gap locks); none may fail.
      await withSession(store, 's-old', 'u1')
      const results = await Promise.allSettled(
        times(20, (i) =>
          store.transaction(async (tx) => {
            await tx.revokeUserSessions('u1', 'password-change', t0 + 1)
            const s = session(`s${i}`, 'u1', { createdAt: t0 + 1 })
            await tx.createSession(s, refresh(`s${i}-r0`, s))
          }),
        ),
      )
      expect(results.filter((r) => r.status === 'rejected')).toEqual([])
      expect(await store.findSession('s-old')).toMatchObject({ revokedReason: 'password-change' })
      expect((await store.listActiveSessions('u1', t0 + 2)).length).toBeGreaterThanOrEqual(1)
    })

    it('keeps writes made outside a transaction that rolls back meanwhile', async () => {
      const store = current()
      let entered!: () => void
      const inside = new Promise<void>((resolve) => {
        entered = resolve
      })
      const failed = store.transaction(async (tx) => {
        await tx.createUser(user('u1', 'ada@example.com'))
        entered()
        await new Promise((resolve) => setTimeout(resolve, 20))
        throw new Error('boom')
      })
      await inside
      const outside = store.createUser(user('u2', 'bob@example.com'))
      await expect(failed).rejects.toThrow('boom')
      expect(await outside).toBe(true)
      expect(await store.findUserById('u1')).toBeNull()
      expect(await store.findUserById('u2')).not.toBeNull()
    })
  })
}

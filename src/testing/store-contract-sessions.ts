import { describe, expect, it } from 'vitest'
import type { Store } from '../ports.js'
import { hour, minute, refresh, t0, times, withSession } from './store-contract-fixtures.js'

/**
 * The sessions part of the store contract (sessions, revocation, refresh-token rotation and its race);
 * `storeContract` runs it inside its own suite, whose `beforeEach` provides a fresh store through `current`.
 */
export function sessionsStoreContract(current: () => Store): void {
  describe('sessions and refresh tokens', () => {
    it('returns sessions and tokens exactly as written', async () => {
      const store = current()
      const { session: s, token } = await withSession(store, 's1', 'u1', {
        userAgent: 'Firefox',
        rememberMe: false,
      })
      expect(await store.findSession('s1')).toEqual(s)
      expect(await store.findRefreshToken(token.tokenHash)).toEqual(token)
      expect(await store.findRefreshTokenById(token.id)).toEqual(token)
      expect(await store.findSession('nope')).toBeNull()
      expect(await store.findRefreshToken('nope')).toBeNull()
      expect(await store.findRefreshTokenById('nope')).toBeNull()
      if (store.findRefreshContext) {
        const user = await store.findUserById('u1')
        expect(await store.findRefreshContext(token.tokenHash)).toEqual({ token, session: s, user })
        expect(await store.findRefreshContext('nope')).toBeNull()
      }
    })

    it('lists active sessions newest first, without revoked, expired or foreign ones', async () => {
      const store = current()
      const now = t0 + hour
      await withSession(store, 'old', 'u1', { createdAt: t0 })
      await withSession(store, 'new', 'u1', { createdAt: t0 + 10 })
      await withSession(store, 'revoked', 'u1', { revokedAt: t0 + 1, revokedReason: 'logout' })
      await withSession(store, 'expired', 'u1', { expiresAt: now })
      await withSession(store, 'other', 'u2')
      const active = await store.listActiveSessions('u1', now)
      expect(active.map((s) => s.id)).toEqual(['new', 'old'])
    })

    it('revokes a session once', async () => {
      const store = current()
      await withSession(store, 's1')
      expect(await store.revokeSession('s1', 'logout', t0 + 5)).toBe(true)
      expect(await store.revokeSession('s1', 'again', t0 + 6)).toBe(false)
      expect(await store.findSession('s1')).toMatchObject({ revokedAt: t0 + 5, revokedReason: 'logout' })
      expect(await store.revokeSession('nope', 'logout', t0)).toBe(false)
    })

    it('revokes all sessions of a user except one', async () => {
      const store = current()
      await withSession(store, 'a', 'u1')
      await withSession(store, 'b', 'u1')
      await withSession(store, 'keep', 'u1')
      await withSession(store, 'gone', 'u1', { revokedAt: t0, revokedReason: 'logout' })
      await withSession(store, 'other', 'u2')
      const ids = await store.revokeUserSessions('u1', 'logout-all', t0 + 9, 'keep')
      expect([...ids].sort()).toEqual(['a', 'b'])
      expect(await store.findSession('a')).toMatchObject({ revokedAt: t0 + 9, revokedReason: 'logout-all' })
      expect(await store.findSession('keep')).toMatchObject({ revokedAt: null })
      expect(await store.findSession('gone')).toMatchObject({ revokedAt: t0, revokedReason: 'logout' })
      expect(await store.findSession('other')).toMatchObject({ revokedAt: null })
      expect(await store.revokeUserSessions('u1', 'logout-all', t0 + 10)).toEqual(['keep'])
    })

    it('rotates an active token once, recording the successor', async () => {
      const store = current()
      const { session: s, token } = await withSession(store, 's1')
      const next = refresh('r1', s, { createdAt: t0 + minute })
      const now = t0 + minute
      expect(
        await store.rotateRefreshToken({ currentId: token.id, next, successorSealed: 'sealed', now }),
      ).toBe(true)
      expect(await store.findRefreshTokenById(token.id)).toEqual({
        ...token,
        state: 'rotated',
        rotatedAt: now,
        successorId: 'r1',
        successorSealed: 'sealed',
      })
      expect(await store.findRefreshToken(next.tokenHash)).toEqual(next)
      expect((await store.findSession('s1'))?.lastUsedAt).toBe(now)
      const again = refresh('r2', s)
      expect(
        await store.rotateRefreshToken({ currentId: token.id, next: again, successorSealed: null, now }),
      ).toBe(false)
      expect(await store.findRefreshTokenById('r2')).toBeNull()
      const unknown = { currentId: 'nope', next: refresh('r3', s), successorSealed: null, now }
      expect(await store.rotateRefreshToken(unknown)).toBe(false)
    })

    it('lets exactly one of 50 parallel rotations of one token win', async () => {
      const store = current()
      const { session: s, token } = await withSession(store, 's1')
      const results = await Promise.all(
        times(50, (i) =>
          store.rotateRefreshToken({
            currentId: token.id,
            next: refresh(`next-${i}`, s),
            successorSealed: `sealed-${i}`,
            now: t0 + 1,
          }),
        ),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
      const winner = results.indexOf(true)
      const successors = await Promise.all(times(50, (i) => store.findRefreshTokenById(`next-${i}`)))
      expect(successors.filter((x) => x !== null).map((x) => x?.id)).toEqual([`next-${winner}`])
      expect(await store.findRefreshTokenById(token.id)).toMatchObject({ successorId: `next-${winner}` })
    })
  })
}

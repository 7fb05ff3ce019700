import { describe, expect, it } from 'vitest'
import type { Store } from '../ports.js'
import { audit, hour, lockout, mail, oneTime, refresh, t0, withSession } from './store-contract-fixtures.js'

/**
 * The `purgeExpired` part of the store contract (what expires, what stays, idempotence);
 * `storeContract` runs it inside its own suite, whose `beforeEach` provides a fresh store through `current`.
 */
export function purgeStoreContract(current: () => Store): void {
  describe('purgeExpired', () => {
    it('deletes exactly what has expired, and nothing on a second run', async () => {
      const store = current()
      const now = t0 + 10 * hour
      const sealedBefore = now - hour
      const { session: live } = await withSession(store, 'live', 'u1', { expiresAt: now + 1 })
      await withSession(store, 'ended', 'u1', { expiresAt: now })
      // live-r0 → old (expires at `now`) → fresh: live-r0's sealed successor is past `sealedBefore`.
      const old = refresh('old', live, { expiresAt: now })
      expect(
        await store.rotateRefreshToken({ currentId: 'live-r0', next: old, successorSealed: 'x', now: t0 }),
      ).toBe(true)
      const fresh = refresh('fresh', live, { expiresAt: now + hour })
      const rotatedLate = { currentId: 'old', next: fresh, successorSealed: 'y', now: sealedBefore }
      expect(await store.rotateRefreshToken(rotatedLate)).toBe(true)
      const { session: other } = await withSession(store, 'other', 'u1')
      const otherNext = refresh('other-r1', other)
      expect(
        await store.rotateRefreshToken({
          currentId: 'other-r0',
          next: otherNext,
          successorSealed: 'z',
          now: sealedBefore,
        }),
      ).toBe(true)
      await store.createOneTimeToken(oneTime('ott-gone', 'u1', { expiresAt: now }), {
        replaceExisting: false,
      })
      await store.createOneTimeToken(oneTime('ott-kept', 'u1', { expiresAt: now + 1 }), {
        replaceExisting: false,
      })
      const revocation = { kind: 'jti' as const, minVersion: null, createdAt: t0 }
      await store.appendRevocation({ ...revocation, subject: 'gone', expiresAt: now })
      await store.appendRevocation({ ...revocation, subject: 'kept', expiresAt: now + 1 })
      await store.registerLoginFailure('lock-gone', lockout(5, { windowMs: hour }), now - hour)
      await store.registerLoginFailure('lock-kept', lockout(5, { windowMs: hour }), now - hour + 1)
      await store.appendAudit(audit('a-gone', t0))
      await store.appendAudit(audit('a-kept', t0 + hour))
      const to = 'purge@example.com'
      await store.enqueueMail(mail('mail-sent-old', { to, toNormalized: to, status: 'sent', createdAt: t0 }))
      await store.enqueueMail(mail('mail-dead-old', { to, toNormalized: to, status: 'dead', createdAt: t0 }))
      await store.enqueueMail(mail('mail-pending-old', { to, toNormalized: to, createdAt: t0 }))
      await store.enqueueMail(
        mail('mail-sent-new', { to, toNormalized: to, status: 'sent', createdAt: t0 + hour }),
      )

      const counts = await store.purgeExpired({
        now,
        auditBefore: t0 + hour,
        sealedBefore,
        mailBefore: t0 + hour,
      })
      for (const value of Object.values(counts)) expect(value).toBeGreaterThanOrEqual(0)

      expect(await store.findSession('live')).not.toBeNull()
      expect(await store.findSession('ended')).toBeNull()
      expect(await store.findRefreshTokenById('ended-r0')).toBeNull()
      expect(await store.findRefreshTokenById('old')).toBeNull()
      expect(await store.findRefreshTokenById('fresh')).toEqual(fresh)
      // A sealed successor outlives the grace window only until `sealedBefore`; the token stays until it expires.
      expect(await store.findRefreshTokenById('live-r0')).toMatchObject({
        state: 'rotated',
        successorSealed: null,
      })
      expect(await store.findRefreshTokenById('other-r0')).toMatchObject({
        state: 'rotated',
        successorSealed: 'z',
      })
      expect(await store.findOneTimeToken('ott-gone')).toBeNull()
      expect(await store.findOneTimeToken('ott-kept')).not.toBeNull()
      expect((await store.listRevocations(0, t0)).map((r) => r.subject)).toEqual(['kept'])
      expect(await store.getLockout('lock-gone')).toBeUndefined()
      expect(await store.getLockout('lock-kept')).toBeDefined()
      expect((await store.listAudit({ limit: 10 })).map((e) => e.id)).toEqual(['a-kept'])
      // Pending mail is never purged, however old: it has not been delivered yet.
      expect((await store.listMailsTo(to, 10)).map((m) => m.id).sort()).toEqual([
        'mail-pending-old',
        'mail-sent-new',
      ])

      const again = await store.purgeExpired({
        now,
        auditBefore: t0 + hour,
        sealedBefore,
        mailBefore: t0 + hour,
      })
      expect(Object.values(again).reduce((a, b) => a + b, 0)).toBe(0)
    })
  })
}

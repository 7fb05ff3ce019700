import { beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../ports.js'
import type { AuditEvent } from '../types.js'
import { audit, hour, mail, minute, t0, times } from './store-contract-fixtures.js'

/**
 * The append-only part of the store contract (audit log, mail outbox with its claim race, revocation feed);
 * `storeContract` runs it inside its own suite, whose `beforeEach` provides a fresh store through `current`.
 */
export function logsStoreContract(current: () => Store): void {
  describe('audit log', () => {
    const events = [
      audit('e1', t0, { meta: {} }),
      audit('e2', t0 + 1, { type: 'login.failure', ip: '198.51.100.1' }),
      audit('e3', t0 + 2, { userId: 'u2', actorId: 'admin' }),
      audit('e4', t0 + 2, { type: 'logout' }),
      audit('e5', t0 + 3, { userId: null }),
    ]
    beforeEach(async () => {
      const store = current()
      for (const e of events) await store.appendAudit(e)
    })
    const ids = (list: AuditEvent[]) => list.map((e) => e.id)

    it('lists events exactly as written, newest first (at, then id, descending)', async () => {
      const store = current()
      const listed = await store.listAudit({ limit: 10 })
      expect(ids(listed)).toEqual(['e5', 'e4', 'e3', 'e2', 'e1'])
      expect(listed[4]).toEqual(events[0])
      expect(listed[3]).toEqual(events[1])
    })

    it('filters by user, types and an inclusive time range', async () => {
      const store = current()
      expect(ids(await store.listAudit({ userId: 'u1', limit: 10 }))).toEqual(['e4', 'e2', 'e1'])
      expect(ids(await store.listAudit({ types: ['login.failure', 'logout'], limit: 10 }))).toEqual([
        'e4',
        'e2',
      ])
      expect(ids(await store.listAudit({ from: t0 + 1, to: t0 + 2, limit: 10 }))).toEqual(['e4', 'e3', 'e2'])
      expect(ids(await store.listAudit({ userId: 'u1', from: t0 + 1, limit: 1 }))).toEqual(['e4'])
    })

    it('pages with the id of the last event as cursor', async () => {
      const store = current()
      const pages: string[][] = []
      let cursor: string | undefined
      for (let page = 0; page < 4; page++) {
        const list = await store.listAudit({ limit: 2, ...(cursor ? { cursor } : {}) })
        pages.push(ids(list))
        cursor = list.at(-1)?.id
        if (!cursor) break
      }
      expect(pages).toEqual([['e5', 'e4'], ['e3', 'e2'], ['e1'], []])
      expect(ids(await store.listAudit({ userId: 'u1', limit: 5, cursor: 'e4' }))).toEqual(['e2', 'e1'])
    })
  })

  describe('outbox', () => {
    it('claims due pending mails up to the limit and leases them', async () => {
      const store = current()
      await store.enqueueMail(mail('m1'))
      await store.enqueueMail(mail('m2', { nextAttemptAt: t0 + 10 }))
      await store.enqueueMail(mail('later', { nextAttemptAt: t0 + hour }))
      await store.enqueueMail(mail('sent', { status: 'sent', sentAt: t0 }))
      await store.enqueueMail(mail('dead', { status: 'dead' }))
      const now = t0 + minute
      const claimed = await store.claimDueMails(now, 10, minute)
      expect(claimed.map((m) => m.id).sort()).toEqual(['m1', 'm2'])
      expect(claimed.find((m) => m.id === 'm1')).toEqual(mail('m1', { nextAttemptAt: now + minute }))
      expect(await store.claimDueMails(now + minute - 1, 10, minute)).toEqual([])
      expect((await store.claimDueMails(now + minute, 1, minute)).length).toBe(1)
    })

    it('settles mails as sent, retried or dead', async () => {
      const store = current()
      for (const id of ['a', 'b', 'c']) await store.enqueueMail(mail(id))
      const now = t0 + 5
      await store.settleMail('a', { status: 'sent', attempts: 1, nextAttemptAt: now, error: null }, now)
      await store.settleMail(
        'b',
        { status: 'pending', attempts: 1, nextAttemptAt: now + minute, error: 'EOF' },
        now,
      )
      await store.settleMail('c', { status: 'dead', attempts: 8, nextAttemptAt: now, error: 'rejected' }, now)
      const listed = await store.listMailsTo('ada@example.com', 10)
      const byId = new Map(listed.map((m) => [m.id, m]))
      expect(byId.get('a')).toEqual(
        mail('a', { status: 'sent', attempts: 1, nextAttemptAt: now, sentAt: now }),
      )
      expect(byId.get('b')).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastError: 'EOF',
        sentAt: null,
      })
      expect(byId.get('c')).toMatchObject({ status: 'dead', attempts: 8, lastError: 'rejected' })
      expect(await store.claimDueMails(now + minute - 1, 10, minute)).toEqual([])
      expect((await store.claimDueMails(now + minute, 10, minute)).map((m) => m.id)).toEqual(['b'])
    })

    it('lists mails to one address, newest first', async () => {
      const store = current()
      await store.enqueueMail(mail('m1', { createdAt: t0 }))
      await store.enqueueMail(mail('m2', { createdAt: t0 + 2 }))
      await store.enqueueMail(mail('m3', { createdAt: t0 + 1 }))
      await store.enqueueMail(mail('x', { to: 'bob@example.com', toNormalized: 'bob@example.com' }))
      expect((await store.listMailsTo('ada@example.com', 10)).map((m) => m.id)).toEqual(['m2', 'm3', 'm1'])
      expect((await store.listMailsTo('ada@example.com', 2)).map((m) => m.id)).toEqual(['m2', 'm3'])
      expect(await store.listMailsTo('nobody@example.com', 10)).toEqual([])
    })

    it('hands each of 10 due mails to exactly one of 20 parallel claimers', async () => {
      const store = current()
      for (const i of times(10, (i) => i)) await store.enqueueMail(mail(`m${i}`))
      const claims = await Promise.all(times(20, () => store.claimDueMails(t0 + 1, 3, minute)))
      const ids = claims.flat().map((m) => m.id)
      expect(ids).toHaveLength(10)
      expect(new Set(ids).size).toBe(10)
    })
  })

  describe('revocation feed', () => {
    it('assigns increasing seqs and lists unexpired entries after a seq, in order', async () => {
      const store = current()
      await store.appendRevocation({
        kind: 'session',
        subject: 's1',
        minVersion: null,
        expiresAt: t0 + 10,
        createdAt: t0,
      })
      await store.appendRevocation({
        kind: 'user',
        subject: 'u1',
        minVersion: 3,
        expiresAt: t0 + 20,
        createdAt: t0,
      })
      await store.appendRevocation({
        kind: 'jti',
        subject: 'j1',
        minVersion: null,
        expiresAt: t0 + 30,
        createdAt: t0,
      })
      const all = await store.listRevocations(0, t0)
      expect(all.map((r) => r.subject)).toEqual(['s1', 'u1', 'j1'])
      const [first, second, third] = all.map((r) => r.seq)
      expect(first).toBeGreaterThan(0)
      expect(second).toBeGreaterThan(first as number)
      expect(third).toBeGreaterThan(second as number)
      expect(all[1]).toEqual({
        seq: second,
        kind: 'user',
        subject: 'u1',
        minVersion: 3,
        expiresAt: t0 + 20,
        createdAt: t0,
      })
      expect((await store.listRevocations(first as number, t0)).map((r) => r.subject)).toEqual(['u1', 'j1'])
      expect((await store.listRevocations(0, t0 + 20)).map((r) => r.subject)).toEqual(['j1'])
    })
  })
}

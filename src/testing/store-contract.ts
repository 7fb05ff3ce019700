import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LockoutSettings } from '../policy/lockout.js'
import type { Store } from '../ports.js'
import { rateStoreContract } from './rate-store-contract.js'
import type {
  AuditEvent,
  OneTimeTokenRecord,
  OutboxRecord,
  RefreshTokenRecord,
  SessionRecord,
  UserRecord,
} from '../types.js'
import { adminStoreContract } from './store-contract-admin.js'
import { mfaStoreContract } from './store-contract-mfa.js'
import { oauthStoreContract } from './store-contract-oauth.js'

/** Options of `storeContract`. */
export interface StoreContractOptions {
  /** Shown in the suite's title, e.g. `'sqlite'`. */
  name?: string
}

const t0 = Date.UTC(2026, 0, 1)
const second = 1_000
const minute = 60 * second
const hour = 60 * minute

const user = (id: string, email: string, overrides: Partial<UserRecord> = {}): UserRecord => ({
  id,
  email,
  emailNormalized: email.trim().toLowerCase(),
  name: 'Ada Lovelace',
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
  emailVerifiedAt: null,
  roles: ['user', 'editor'],
  status: 'active',
  tokenVersion: 0,
  locale: null,
  mfaEnabled: false,
  createdAt: t0,
  updatedAt: t0,
  ...overrides,
})

const session = (id: string, userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord => ({
  id,
  userId,
  createdAt: t0,
  lastUsedAt: t0,
  expiresAt: t0 + 30 * 24 * hour,
  revokedAt: null,
  revokedReason: null,
  ip: '203.0.113.7',
  userAgent: null,
  rememberMe: true,
  amr: ['pwd', 'otp'],
  authTime: t0,
  ...overrides,
})

const refresh = (
  id: string,
  s: SessionRecord,
  overrides: Partial<RefreshTokenRecord> = {},
): RefreshTokenRecord => ({
  id,
  sessionId: s.id,
  userId: s.userId,
  tokenHash: `hash-${id}`,
  state: 'active',
  createdAt: t0,
  expiresAt: t0 + 7 * 24 * hour,
  rotatedAt: null,
  successorId: null,
  successorSealed: null,
  ...overrides,
})

const oneTime = (
  tokenHash: string,
  userId: string,
  overrides: Partial<OneTimeTokenRecord> = {},
): OneTimeTokenRecord => ({
  tokenHash,
  kind: 'password-reset',
  userId,
  createdAt: t0,
  expiresAt: t0 + hour,
  consumedAt: null,
  data: null,
  ...overrides,
})

const audit = (id: string, at: number, overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  id,
  type: 'login.success',
  userId: 'u1',
  actorId: null,
  ip: null,
  userAgent: 'test-agent',
  at,
  meta: { method: 'pwd', nested: { n: 1, ok: true } },
  ...overrides,
})

const mail = (id: string, overrides: Partial<OutboxRecord> = {}): OutboxRecord => ({
  id,
  to: 'Ada@Example.com',
  toNormalized: 'ada@example.com',
  kind: 'verify-email',
  sealed: `sealed-${id}`,
  status: 'pending',
  attempts: 0,
  nextAttemptAt: t0,
  createdAt: t0,
  sentAt: null,
  lastError: null,
  ...overrides,
})

const lockout = (threshold: number, overrides: Partial<LockoutSettings> = {}): LockoutSettings => ({
  threshold,
  windowMs: 30 * minute,
  lockMs: 30 * minute,
  progressive: false,
  maxLockMs: 24 * hour,
  ...overrides,
})

const times = <T>(n: number, fn: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => fn(i))

/**
 * The contract every `Store` must pass, as a vitest suite: call it at the top level of a test file with a
 * factory that returns a fresh, empty store (it is called before every test; `migrate()` and `close()` are
 * called when the store has them). Atomic operations are raced with `Promise.all`. It includes
 * `rateStoreContract`, run on the same store.
 */
export function storeContract(
  makeStore: () => Store | Promise<Store>,
  options: StoreContractOptions = {},
): void {
  describe(`store contract${options.name ? `: ${options.name}` : ''}`, () => {
    let store: Store
    beforeEach(async () => {
      store = await makeStore()
      await store.migrate?.()
    })
    afterEach(async () => {
      await store.close?.()
    })

    const withSession = async (sessionId = 's1', userId = 'u1', overrides: Partial<SessionRecord> = {}) => {
      if (!(await store.findUserById(userId))) await store.createUser(user(userId, `${userId}@example.com`))
      const s = session(sessionId, userId, overrides)
      const token = refresh(`${sessionId}-r0`, s)
      await store.createSession(s, token)
      return { session: s, token }
    }

    describe('users', () => {
      it('returns users exactly as written, by id and by normalised email', async () => {
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
        await store.createUser(user('u1', 'ada@example.com'))
        expect(await store.createUser(user('u2', 'ADA@example.com'))).toBe(false)
        expect(await store.findUserById('u2')).toBeNull()
        expect((await store.findUserByEmail('ada@example.com'))?.id).toBe('u1')
      })

      it('compares normalised emails and ids as exact strings', async () => {
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
        const a = user('u1', 'ada@example.com')
        await store.createUser(a)
        a.roles.push('admin')
        const read = await store.findUserById('u1')
        read?.roles.push('root')
        expect((await store.findUserById('u1'))?.roles).toEqual(['user', 'editor'])
      })

      it('applies a patch, sets updatedAt and moves the email lookup', async () => {
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
        await store.createUser(user('u1', 'ada@example.com'))
        expect(await store.incrementTokenVersion('u1', t0 + 1)).toBe(1)
        const versions = await Promise.all(times(20, () => store.incrementTokenVersion('u1', t0 + 2)))
        expect([...versions].sort((a, b) => a - b)).toEqual(times(20, (i) => i + 2))
        expect(await store.findUserById('u1')).toMatchObject({ tokenVersion: 21, updatedAt: t0 + 2 })
      })

      for (const n of [2, 20]) {
        it(`lets exactly one of ${n} parallel sign-ups with one email (in different cases) win`, async () => {
          const emails = times(n, (i) => (i % 2 ? 'ADA@EXAMPLE.COM' : `Ada@Example.com`))
          const results = await Promise.all(emails.map((e, i) => store.createUser(user(`u${i}`, e))))
          expect(results.filter(Boolean)).toHaveLength(1)
          const winner = results.indexOf(true)
          expect((await store.findUserByEmail('ada@example.com'))?.id).toBe(`u${winner}`)
        })
      }
    })

    describe('sessions and refresh tokens', () => {
      it('returns sessions and tokens exactly as written', async () => {
        const { session: s, token } = await withSession('s1', 'u1', {
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
        const now = t0 + hour
        await withSession('old', 'u1', { createdAt: t0 })
        await withSession('new', 'u1', { createdAt: t0 + 10 })
        await withSession('revoked', 'u1', { revokedAt: t0 + 1, revokedReason: 'logout' })
        await withSession('expired', 'u1', { expiresAt: now })
        await withSession('other', 'u2')
        const active = await store.listActiveSessions('u1', now)
        expect(active.map((s) => s.id)).toEqual(['new', 'old'])
      })

      it('revokes a session once', async () => {
        await withSession('s1')
        expect(await store.revokeSession('s1', 'logout', t0 + 5)).toBe(true)
        expect(await store.revokeSession('s1', 'again', t0 + 6)).toBe(false)
        expect(await store.findSession('s1')).toMatchObject({ revokedAt: t0 + 5, revokedReason: 'logout' })
        expect(await store.revokeSession('nope', 'logout', t0)).toBe(false)
      })

      it('revokes all sessions of a user except one', async () => {
        await withSession('a', 'u1')
        await withSession('b', 'u1')
        await withSession('keep', 'u1')
        await withSession('gone', 'u1', { revokedAt: t0, revokedReason: 'logout' })
        await withSession('other', 'u2')
        const ids = await store.revokeUserSessions('u1', 'logout-all', t0 + 9, 'keep')
        expect([...ids].sort()).toEqual(['a', 'b'])
        expect(await store.findSession('a')).toMatchObject({ revokedAt: t0 + 9, revokedReason: 'logout-all' })
        expect(await store.findSession('keep')).toMatchObject({ revokedAt: null })
        expect(await store.findSession('gone')).toMatchObject({ revokedAt: t0, revokedReason: 'logout' })
        expect(await store.findSession('other')).toMatchObject({ revokedAt: null })
        expect(await store.revokeUserSessions('u1', 'logout-all', t0 + 10)).toEqual(['keep'])
      })

      it('rotates an active token once, recording the successor', async () => {
        const { session: s, token } = await withSession('s1')
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
        const { session: s, token } = await withSession('s1')
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

    describe('one-time tokens', () => {
      beforeEach(async () => {
        await store.createUser(user('u1', 'ada@example.com'))
        await store.createUser(user('u2', 'bob@example.com'))
      })

      it('returns tokens exactly as written, data included', async () => {
        const withData = oneTime('h1', 'u1', { kind: 'email-change', data: { newEmail: 'a@b.c', n: [1, 2] } })
        await store.createOneTimeToken(withData, { replaceExisting: false })
        await store.createOneTimeToken(oneTime('h2', 'u1'), { replaceExisting: false })
        expect(await store.findOneTimeToken('h1')).toEqual(withData)
        expect(await store.findOneTimeToken('h2')).toEqual(oneTime('h2', 'u1'))
        expect(await store.findOneTimeToken('nope')).toBeNull()
      })

      it('consumes a token of the right kind once, before it expires', async () => {
        await store.createOneTimeToken(oneTime('h1', 'u1', { data: { x: 1 } }), { replaceExisting: false })
        expect(await store.consumeOneTimeToken('h1', 'verify-email', t0 + 1)).toBeNull()
        const consumed = await store.consumeOneTimeToken('h1', 'password-reset', t0 + 2)
        expect(consumed).toEqual(oneTime('h1', 'u1', { data: { x: 1 }, consumedAt: t0 + 2 }))
        expect(await store.consumeOneTimeToken('h1', 'password-reset', t0 + 3)).toBeNull()
        expect(await store.findOneTimeToken('h1')).toMatchObject({ consumedAt: t0 + 2 })
        expect(await store.consumeOneTimeToken('nope', 'password-reset', t0)).toBeNull()
      })

      it('refuses an expired token and leaves it unconsumed', async () => {
        await store.createOneTimeToken(oneTime('h1', 'u1'), { replaceExisting: false })
        expect(await store.consumeOneTimeToken('h1', 'password-reset', t0 + hour)).toBeNull()
        expect(await store.findOneTimeToken('h1')).toMatchObject({ consumedAt: null })
        expect(await store.consumeOneTimeToken('h1', 'password-reset', t0 + hour - 1)).not.toBeNull()
      })

      it('hands a token to exactly one of 50 parallel consumers', async () => {
        await store.createOneTimeToken(oneTime('h1', 'u1'), { replaceExisting: false })
        const results = await Promise.all(
          times(50, () => store.consumeOneTimeToken('h1', 'password-reset', t0 + 1)),
        )
        expect(results.filter((r) => r !== null)).toHaveLength(1)
      })

      it('voids older unconsumed tokens of the same kind and user only, with replaceExisting', async () => {
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

    describe('audit log', () => {
      const events = [
        audit('e1', t0, { meta: {} }),
        audit('e2', t0 + 1, { type: 'login.failure', ip: '198.51.100.1' }),
        audit('e3', t0 + 2, { userId: 'u2', actorId: 'admin' }),
        audit('e4', t0 + 2, { type: 'logout' }),
        audit('e5', t0 + 3, { userId: null }),
      ]
      beforeEach(async () => {
        for (const e of events) await store.appendAudit(e)
      })
      const ids = (list: AuditEvent[]) => list.map((e) => e.id)

      it('lists events exactly as written, newest first (at, then id, descending)', async () => {
        const listed = await store.listAudit({ limit: 10 })
        expect(ids(listed)).toEqual(['e5', 'e4', 'e3', 'e2', 'e1'])
        expect(listed[4]).toEqual(events[0])
        expect(listed[3]).toEqual(events[1])
      })

      it('filters by user, types and an inclusive time range', async () => {
        expect(ids(await store.listAudit({ userId: 'u1', limit: 10 }))).toEqual(['e4', 'e2', 'e1'])
        expect(ids(await store.listAudit({ types: ['login.failure', 'logout'], limit: 10 }))).toEqual([
          'e4',
          'e2',
        ])
        expect(ids(await store.listAudit({ from: t0 + 1, to: t0 + 2, limit: 10 }))).toEqual([
          'e4',
          'e3',
          'e2',
        ])
        expect(ids(await store.listAudit({ userId: 'u1', from: t0 + 1, limit: 1 }))).toEqual(['e4'])
      })

      it('pages with the id of the last event as cursor', async () => {
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
        for (const id of ['a', 'b', 'c']) await store.enqueueMail(mail(id))
        const now = t0 + 5
        await store.settleMail('a', { status: 'sent', attempts: 1, nextAttemptAt: now, error: null }, now)
        await store.settleMail(
          'b',
          { status: 'pending', attempts: 1, nextAttemptAt: now + minute, error: 'EOF' },
          now,
        )
        await store.settleMail(
          'c',
          { status: 'dead', attempts: 8, nextAttemptAt: now, error: 'rejected' },
          now,
        )
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
        await store.enqueueMail(mail('m1', { createdAt: t0 }))
        await store.enqueueMail(mail('m2', { createdAt: t0 + 2 }))
        await store.enqueueMail(mail('m3', { createdAt: t0 + 1 }))
        await store.enqueueMail(mail('x', { to: 'bob@example.com', toNormalized: 'bob@example.com' }))
        expect((await store.listMailsTo('ada@example.com', 10)).map((m) => m.id)).toEqual(['m2', 'm3', 'm1'])
        expect((await store.listMailsTo('ada@example.com', 2)).map((m) => m.id)).toEqual(['m2', 'm3'])
        expect(await store.listMailsTo('nobody@example.com', 10)).toEqual([])
      })

      it('hands each of 10 due mails to exactly one of 20 parallel claimers', async () => {
        for (const i of times(10, (i) => i)) await store.enqueueMail(mail(`m${i}`))
        const claims = await Promise.all(times(20, () => store.claimDueMails(t0 + 1, 3, minute)))
        const ids = claims.flat().map((m) => m.id)
        expect(ids).toHaveLength(10)
        expect(new Set(ids).size).toBe(10)
      })
    })

    describe('revocation feed', () => {
      it('assigns increasing seqs and lists unexpired entries after a seq, in order', async () => {
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

    // The counters: every Store is a RateStore, and passes that contract on the store of this test.
    rateStoreContract(() => store)

    describe('transactions', () => {
      it('commits writes through tx and returns the callback result', async () => {
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
        // A password change racing logins of the same user: each locks the user's sessions, then inserts into
        // the range it locked. Under InnoDB's REPEATABLE READ this deadlocked (gap locks); none may fail.
        await withSession('s-old', 'u1')
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

    adminStoreContract(() => store)
    mfaStoreContract(() => store)
    oauthStoreContract(() => store)

    describe('purgeExpired', () => {
      it('deletes exactly what has expired, and nothing on a second run', async () => {
        const now = t0 + 10 * hour
        const sealedBefore = now - hour
        const { session: live } = await withSession('live', 'u1', { expiresAt: now + 1 })
        await withSession('ended', 'u1', { expiresAt: now })
        // live-r0 → old (expires at `now`) → fresh: live-r0's sealed successor is past `sealedBefore`.
        const old = refresh('old', live, { expiresAt: now })
        expect(
          await store.rotateRefreshToken({ currentId: 'live-r0', next: old, successorSealed: 'x', now: t0 }),
        ).toBe(true)
        const fresh = refresh('fresh', live, { expiresAt: now + hour })
        const rotatedLate = { currentId: 'old', next: fresh, successorSealed: 'y', now: sealedBefore }
        expect(await store.rotateRefreshToken(rotatedLate)).toBe(true)
        const { session: other } = await withSession('other', 'u1')
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
        await store.enqueueMail(
          mail('mail-sent-old', { to, toNormalized: to, status: 'sent', createdAt: t0 }),
        )
        await store.enqueueMail(
          mail('mail-dead-old', { to, toNormalized: to, status: 'dead', createdAt: t0 }),
        )
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
  })
}

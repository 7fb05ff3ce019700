import fc from 'fast-check'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RedisClientLike, redisRateStore, redisRevocationChannel } from '../../adapters/redis/index.js'
import { type LockoutSettings, type LockoutState, registerFailure } from '../../src/policy/lockout.js'
import { rateLimitDecision } from '../../src/policy/rate-limit.js'
import type { RevocationRecord } from '../../src/types.js'
import { rateStoreContract } from '../../src/testing/rate-store-contract.js'
import { redisUrl, skipWithout, uniqueName } from '../servers.js'

// The Redis rate store and revocation channel against a real Redis. Every key of this file starts with a
// fresh prefix, deleted afterwards, since test files run in parallel and Redis is shared.

const t0 = Date.UTC(2026, 0, 1)
const base = `${uniqueName('redis')}:`
let client: Redis
let counter = 0
const freshPrefix = () => `${base}${++counter}:`

describe.skipIf(skipWithout('PORTCULLIS_REDIS_URL', redisUrl, 'the Redis rate store and channel'))(
  'redis',
  () => {
    beforeAll(() => {
      client = new Redis(redisUrl as string)
    })
    afterAll(async () => {
      const keys = await client.keys(`${base}*`)
      if (keys.length > 0) await client.del(...keys)
      await client.quit()
    })

    it('takes an ioredis client as it is (structural types)', () => {
      const typed: RedisClientLike = client
      expect(typed).toBe(client)
    })

    rateStoreContract(() => redisRateStore(client, { prefix: freshPrefix() }), { name: 'redis' })

    describe('the Lua scripts against the pure policies', () => {
      // Redis expires keys in real time while these sequences move a fake clock, so windows and locks stay far
      // longer than a run takes (a key that expired early would read as "no state"); steps of exactly one window
      // or lock and of 0 or 1 ms hit the edges.
      const minute = 60_000
      const durationArb = fc.oneof(
        fc.constantFrom(minute, 2 * minute),
        fc.integer({ min: minute, max: 10 * minute }),
      )
      const settingsArb = fc.record({
        threshold: fc.integer({ min: 1, max: 6 }),
        windowMs: durationArb,
        lockMs: durationArb,
        progressive: fc.boolean(),
        maxLockMs: fc.integer({ min: minute, max: 30 * minute }),
      })
      const dtArb = fc.oneof(
        fc.constantFrom(0, 1, minute, 2 * minute, 4 * minute),
        fc.integer({ min: 0, max: 12 * minute }),
        // Rarely back in time: instances whose clocks differ a little.
        fc.integer({ min: -50, max: 0 }),
      )
      const stepArb = fc.record({ dt: dtArb, clear: fc.integer({ min: 0, max: 9 }).map((n) => n === 0) })

      it('registerLoginFailure equals registerFailure on random sequences', async () => {
        await fc.assert(
          fc.asyncProperty(
            settingsArb,
            fc.array(stepArb, { minLength: 1, maxLength: 25 }),
            async (s, steps) => {
              const settings: LockoutSettings = s
              const store = redisRateStore(client, { prefix: freshPrefix() })
              let state: LockoutState | undefined
              let now = t0
              for (const step of steps) {
                now += step.dt
                if (step.clear) {
                  await store.clearLockout('k')
                  state = undefined
                  continue
                }
                const expected = registerFailure(state, settings, now)
                state = expected.state
                expect(await store.registerLoginFailure('k', settings, now)).toEqual(expected)
                expect(await store.getLockout('k')).toEqual(state)
              }
            },
          ),
          { numRuns: 60 },
        )
      })

      it('hitRateLimit equals rateLimitDecision on random sequences', async () => {
        const ruleArb = fc.record({ limit: fc.integer({ min: 1, max: 5 }), windowMs: durationArb })
        const hitArb = fc.record({ dt: dtArb, ruleChange: fc.option(ruleArb, { freq: 8 }) })
        await fc.assert(
          fc.asyncProperty(
            ruleArb,
            fc.array(hitArb, { minLength: 1, maxLength: 30 }),
            async (first, hits) => {
              const store = redisRateStore(client, { prefix: freshPrefix() })
              let rule = first
              let log: number[] = []
              let now = t0
              for (const hit of hits) {
                now += hit.dt
                rule = hit.ruleChange ?? rule
                const expected = rateLimitDecision(log, rule, now)
                log = expected.hits
                expect(await store.hitRateLimit('k', rule, now)).toEqual(expected.decision)
              }
            },
          ),
          { numRuns: 60 },
        )
      })

      it('keeps timestamps and durations exact beyond 32 bits and with fractions', async () => {
        const store = redisRateStore(client, { prefix: freshPrefix() })
        const settings = {
          threshold: 1,
          windowMs: 1.5,
          lockMs: 2 ** 40 + 0.25,
          progressive: false,
          maxLockMs: 1,
        }
        const now = 2 ** 52 + 1
        expect(await store.registerLoginFailure('k', settings, now)).toEqual(
          registerFailure(undefined, settings, now),
        )
        const rule = { limit: 1, windowMs: 0.5 }
        expect(await store.hitRateLimit('k', rule, 1.25)).toEqual(rateLimitDecision([], rule, 1.25).decision)
      })
    })

    describe('atomicity across connections', () => {
      it('allows exactly the limit of 300 hits sent over 6 connections', async () => {
        const clients = Array.from({ length: 6 }, () => new Redis(redisUrl as string))
        try {
          const prefix = freshPrefix()
          const stores = clients.map((c) => redisRateStore(c, { prefix }))
          const rule = { limit: 37, windowMs: 60_000 }
          const results = await Promise.all(
            Array.from({ length: 300 }, (_, i) => stores[i % 6]?.hitRateLimit('k', rule, t0 + (i % 7))),
          )
          expect(results.filter((d) => d?.allowed)).toHaveLength(37)
          const failures = await Promise.all(
            Array.from({ length: 300 }, (_, i) =>
              stores[i % 6]?.registerLoginFailure('k', { ...lockout, threshold: 5 }, t0),
            ),
          )
          expect(failures.filter((f) => f?.lockedNow)).toHaveLength(1)
          expect((await stores[0]?.getLockout('k'))?.failures).toBe(300)
        } finally {
          await Promise.all(clients.map((c) => c.quit()))
        }
      })
    })

    describe('keys', () => {
      it('uses the prefix, and expires a log when its newest hit leaves the window', async () => {
        const prefix = freshPrefix()
        const store = redisRateStore(client, { prefix })
        await store.hitRateLimit('rl:login:1.2.3.4', { limit: 5, windowMs: 60_000 }, t0)
        await store.hitRateLimit('rl:login:1.2.3.4', { limit: 5, windowMs: 60_000 }, t0 + 10_000)
        // Until the newest hit leaves the window (in the callers' time), plus a minute for clock skew.
        const ttl = await client.pttl(`${prefix}rate:rl:login:1.2.3.4`)
        expect(ttl).toBeGreaterThan(60_000 + 60_000 - 1000)
        expect(ttl).toBeLessThanOrEqual(60_000 + 60_000)
        await store.registerLoginFailure('lockout:login:a@b.c', lockout, t0)
        const lockTtl = await client.pttl(`${prefix}lockout:lockout:login:a@b.c`)
        expect(lockTtl).toBeGreaterThan(lockout.windowMs + 60_000 - 1000)
        expect(lockTtl).toBeLessThanOrEqual(lockout.windowMs + 60_000)
        expect((await client.keys(`${prefix}*`)).sort()).toEqual([
          `${prefix}lockout:lockout:login:a@b.c`,
          `${prefix}rate:rl:login:1.2.3.4`,
        ])
      })

      it('runs the scripts again after the server forgot them (SCRIPT FLUSH)', async () => {
        const store = redisRateStore(client, { prefix: freshPrefix() })
        await store.hitRateLimit('k', { limit: 2, windowMs: 1000 }, t0)
        // Flushing the cache of a shared server only costs other users one EVAL each.
        await client.script('FLUSH')
        expect((await store.hitRateLimit('k', { limit: 2, windowMs: 1000 }, t0)).remaining).toBe(0)
        expect((await store.registerLoginFailure('k', lockout, t0)).state.failures).toBe(1)
      })
    })

    describe('revocation channel', () => {
      const record = (subject: string): Omit<RevocationRecord, 'seq'> => ({
        kind: 'session',
        subject,
        minVersion: null,
        expiresAt: t0 + 1000,
        createdAt: t0,
      })

      it('delivers what one instance publishes to every subscriber, itself included, until it unsubscribes', async () => {
        const channel = `${freshPrefix()}revocations`
        const a = redisRevocationChannel(client, { channel })
        const other = new Redis(redisUrl as string)
        const b = redisRevocationChannel(other, { channel })
        const seenA: string[] = []
        const seenB: string[] = []
        const offA = await a.subscribe((records) => seenA.push(...records.map((r) => r.subject)))
        const offB = await b.subscribe((records) => seenB.push(...records.map((r) => r.subject)))
        try {
          await b.publish([record('s1'), { ...record('u1'), kind: 'user', minVersion: 3 }])
          await a.publish([])
          await until(() => seenA.length === 2 && seenB.length === 2)
          expect(seenA).toEqual(['s1', 'u1'])
          expect(seenB).toEqual(['s1', 'u1'])
          await offB()
          await a.publish([record('s2')])
          await until(() => seenA.length === 3)
          expect(seenB).toEqual(['s1', 'u1'])
        } finally {
          await offA()
          await other.quit()
        }
      })

      it('ignores other channels and malformed messages', async () => {
        const channel = `${freshPrefix()}revocations`
        const seen: Omit<RevocationRecord, 'seq'>[] = []
        const off = await redisRevocationChannel(client, { channel }).subscribe((r) => seen.push(...r))
        try {
          await client.publish(channel, 'not json')
          await client.publish(channel, JSON.stringify({ kind: 'session' }))
          await client.publish(channel, JSON.stringify([{ kind: 'session', subject: 7 }, record('ok')]))
          await client.publish(`${channel}-other`, JSON.stringify([record('elsewhere')]))
          await until(() => seen.length > 0)
          await new Promise((resolve) => setTimeout(resolve, 50))
          expect(seen).toEqual([record('ok')])
        } finally {
          await off()
        }
      })
    })
  },
)

const lockout: LockoutSettings = {
  threshold: 3,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  progressive: false,
  maxLockMs: 24 * 3_600_000,
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for pub/sub')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

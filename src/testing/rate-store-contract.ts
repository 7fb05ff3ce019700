import { beforeEach, describe, expect, it } from 'vitest'
import { type LockoutSettings, type LockoutState, registerFailure } from '../policy/lockout.js'
import { type RateRule, rateLimitDecision } from '../policy/rate-limit.js'
import type { RateStore } from '../ports.js'

/** Options of `rateStoreContract`. */
export interface RateStoreContractOptions {
  /** Shown in the suite's title, e.g. `'redis'`. */
  name?: string
}

const t0 = Date.UTC(2026, 0, 1)
const second = 1_000
const minute = 60 * second
const hour = 60 * minute

const lockout = (threshold: number, overrides: Partial<LockoutSettings> = {}): LockoutSettings => ({
  threshold,
  windowMs: 30 * minute,
  lockMs: 30 * minute,
  progressive: false,
  maxLockMs: 24 * hour,
  ...overrides,
})

const times = <T>(n: number, fn: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => fn(i))

/** A rate-limit scenario: hits on one key at `t0 + at`, each under `rule` (rules may change between hits). */
interface RateScenario {
  name: string
  hits: { at: number; rule: RateRule }[]
}

const r3 = { limit: 3, windowMs: second }
const rateScenarios: RateScenario[] = [
  {
    name: 'hits in one millisecond, the window edge (a hit exactly windowMs old has left), and refusals not logged',
    hits: [0, 0, 0, 0, 999, 1000, 1000, 1000, 1001, 1999, 2000, 2500].map((at) => ({ at, rule: r3 })),
  },
  {
    name: 'a limit lowered while the log holds more hits than the new limit, then raised again',
    hits: [
      ...[0, 10, 20, 30, 40].map((at) => ({ at, rule: { limit: 5, windowMs: second } })),
      ...[50, 60, 1015, 1025].map((at) => ({ at, rule: { limit: 2, windowMs: second } })),
      ...[1030, 1040].map((at) => ({ at, rule: { limit: 5, windowMs: second } })),
    ],
  },
  {
    name: 'hits out of order (instances whose clocks differ a little)',
    hits: [500, 400, 900, 100, 1450, 1350, 1600, 2401].map((at) => ({ at, rule: r3 })),
  },
  {
    name: 'a limit of 1 over a long window',
    hits: [0, 1, hour - 1, hour, hour + 1, 2 * hour].map((at) => ({
      at,
      rule: { limit: 1, windowMs: hour },
    })),
  },
]

/** A lockout scenario: failures (or a success that clears the state) on one key at `t0 + at`. */
interface LockoutScenario {
  name: string
  settings: LockoutSettings
  steps: { at: number; op: 'fail' | 'clear' }[]
}

const fails = (...ats: number[]) => ats.map((at) => ({ at, op: 'fail' as const }))
const lockoutScenarios: LockoutScenario[] = [
  {
    name: 'the threshold-th failure locks; failures while locked count without extending; the lock ends exactly',
    settings: lockout(3, { windowMs: 10 * minute, lockMs: 5 * minute }),
    steps: fails(0, minute, 2 * minute, 3 * minute, 7 * minute - 1, 7 * minute, 8 * minute),
  },
  {
    name: 'a failure exactly windowMs after the window began starts a new window',
    settings: lockout(3, { windowMs: 10 * minute }),
    steps: fails(
      0,
      10 * minute - 1,
      10 * minute,
      10 * minute + 1,
      20 * minute + 5,
      30 * minute,
      30 * minute + 1,
    ),
  },
  {
    name: 'progressive locks double up to the cap; a success forgets the lock count',
    settings: lockout(2, { lockMs: minute, maxLockMs: 5 * minute, progressive: true, windowMs: hour }),
    steps: [
      ...fails(0, 1, 2, minute + 1, minute + 2, 3 * minute + 2, 3 * minute + 3, 7 * minute + 3),
      ...fails(7 * minute + 4, 12 * minute + 4, 12 * minute + 5, 17 * minute + 5, 17 * minute + 6),
      { at: 22 * minute + 6, op: 'clear' },
      ...fails(22 * minute + 7, 22 * minute + 8),
    ],
  },
  {
    name: 'a threshold of 1 locks at the first failure',
    settings: lockout(1, { lockMs: minute }),
    steps: [...fails(0, 1, minute, minute + 1), { at: minute + 2, op: 'clear' }, ...fails(minute + 3)],
  },
]

/**
 * The contract of a `RateStore` (the counters a Redis can serve beside a SQL store), as a vitest suite: call it
 * at the top level of a test file with a factory that returns a rate store with no counters (called before every
 * test). `storeContract` runs it too, so every `Store` passes it. Decisions are compared with the pure
 * policies (`rateLimitDecision`, `registerFailure`) step by step, and the atomic operations are raced.
 */
export function rateStoreContract(
  makeRateStore: () => RateStore | Promise<RateStore>,
  options: RateStoreContractOptions = {},
): void {
  describe(`rate store contract${options.name ? `: ${options.name}` : ''}`, () => {
    let store: RateStore
    beforeEach(async () => {
      store = await makeRateStore()
    })

    describe('rate limits', () => {
      const rule = { limit: 3, windowMs: minute }

      it('allows up to the limit per window, per key', async () => {
        const results = []
        for (const at of [0, 1, 2, 3]) results.push(await store.hitRateLimit('ip:1', rule, t0 + at))
        expect(results.map((d) => d.allowed)).toEqual([true, true, true, false])
        expect(results.map((d) => d.remaining)).toEqual([2, 1, 0, 0])
        expect(results[3]?.retryAfterMs).toBe(minute - 3)
        expect((await store.hitRateLimit('ip:2', rule, t0 + 3)).allowed).toBe(true)
        expect((await store.hitRateLimit('ip:1', rule, t0 + minute)).allowed).toBe(true)
      })

      it('tells keys apart exactly: case and every character count', async () => {
        const one = { limit: 1, windowMs: minute }
        const keys = [
          'rl:login:a@example.com',
          'rl:login:A@example.com',
          'rl:login:a@example.co',
          'rl:ß',
          'rl:ss',
        ]
        for (const key of keys) expect((await store.hitRateLimit(key, one, t0)).allowed).toBe(true)
        for (const key of keys) expect((await store.hitRateLimit(key, one, t0)).allowed).toBe(false)
      })

      for (const scenario of rateScenarios) {
        it(`decides exactly as rateLimitDecision: ${scenario.name}`, async () => {
          let log: number[] = []
          for (const { at, rule } of scenario.hits) {
            const expected = rateLimitDecision(log, rule, t0 + at)
            log = expected.hits
            expect({ at, decision: await store.hitRateLimit('k', rule, t0 + at) }).toEqual({
              at,
              decision: expected.decision,
            })
          }
        })
      }

      it('allows exactly 10 of 30 parallel hits with a limit of 10', async () => {
        const limit10 = { limit: 10, windowMs: minute }
        const results = await Promise.all(times(30, () => store.hitRateLimit('ip:1', limit10, t0)))
        expect(results.filter((d) => d.allowed)).toHaveLength(10)
        expect(
          results
            .filter((d) => d.allowed)
            .map((d) => d.remaining)
            .sort((a, b) => a - b),
        ).toEqual(times(10, (i) => i))
      })
    })

    describe('lockout', () => {
      it('counts failures, reports the lock, and forgets on clear', async () => {
        expect(await store.getLockout('ada@example.com')).toBeUndefined()
        const settings = lockout(2)
        const first = await store.registerLoginFailure('ada@example.com', settings, t0)
        expect(first).toEqual({
          state: { failures: 1, windowStartedAt: t0, lockedUntil: null, lockCount: 0 },
          decision: { type: 'open' },
          lockedNow: false,
        })
        const second = await store.registerLoginFailure('ada@example.com', settings, t0 + 1)
        expect(second.lockedNow).toBe(true)
        expect(await store.getLockout('ada@example.com')).toEqual(second.state)
        expect(await store.getLockout('bob@example.com')).toBeUndefined()
        expect(await store.getLockout('ADA@example.com')).toBeUndefined()
        await store.clearLockout('ada@example.com')
        expect(await store.getLockout('ada@example.com')).toBeUndefined()
        await store.clearLockout('nobody@example.com')
      })

      for (const scenario of lockoutScenarios) {
        it(`moves exactly as registerFailure: ${scenario.name}`, async () => {
          let state: LockoutState | undefined
          for (const { at, op } of scenario.steps) {
            if (op === 'clear') {
              await store.clearLockout('k')
              state = undefined
            } else {
              const expected = registerFailure(state, scenario.settings, t0 + at)
              state = expected.state
              const actual = await store.registerLoginFailure('k', scenario.settings, t0 + at)
              expect({ at, result: actual }).toEqual({ at, result: expected })
            }
            expect({ at, stored: await store.getLockout('k') }).toEqual({ at, stored: state })
          }
        })
      }

      it('counts each of 50 parallel failures exactly once', async () => {
        const results = await Promise.all(times(50, () => store.registerLoginFailure('k', lockout(100), t0)))
        expect(results.map((r) => r.state.failures).sort((a, b) => a - b)).toEqual(times(50, (i) => i + 1))
        expect((await store.getLockout('k'))?.failures).toBe(50)
      })

      it('locks from the 5th of 50 parallel failures on, imposing the lock once', async () => {
        const results = await Promise.all(times(50, () => store.registerLoginFailure('k', lockout(5), t0)))
        for (const r of results) expect(r.decision.type === 'locked').toBe(r.state.failures >= 5)
        const lockedNow = results.filter((r) => r.lockedNow)
        expect(lockedNow).toHaveLength(1)
        expect(lockedNow[0]?.state.failures).toBe(5)
        expect(results.filter((r) => r.decision.type === 'locked')).toHaveLength(46)
      })
    })
  })
}

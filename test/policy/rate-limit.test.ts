import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type RateDecision, type RateRule, rateLimitDecision } from '../../src/policy/rate-limit.js'

const t0 = Date.UTC(2025, 0, 1, 12, 0, 0)
const rule: RateRule = { limit: 3, windowMs: 1000 }

type Case = {
  name: string
  rule?: RateRule
  hits: number[]
  now: number
  expected: { decision: RateDecision; hits: number[] }
}

const allow = (remaining: number, resetMs: number, limit = 3): RateDecision => ({
  allowed: true,
  limit,
  remaining,
  resetMs,
  retryAfterMs: 0,
})
const deny = (resetMs: number, retryAfterMs: number, limit = 3): RateDecision => ({
  allowed: false,
  limit,
  remaining: 0,
  resetMs,
  retryAfterMs,
})

const cases: Case[] = [
  { name: 'first request', hits: [], now: t0, expected: { decision: allow(2, 1000), hits: [t0] } },
  {
    name: 'last slot',
    hits: [t0, t0 + 100],
    now: t0 + 200,
    expected: { decision: allow(0, 800), hits: [t0, t0 + 100, t0 + 200] },
  },
  {
    name: 'full window refuses and logs nothing',
    hits: [t0, t0 + 100, t0 + 200],
    now: t0 + 300,
    expected: { decision: deny(700, 700), hits: [t0, t0 + 100, t0 + 200] },
  },
  {
    name: '1 ms before the oldest hit leaves: refused, retry after 1 ms',
    hits: [t0, t0 + 100, t0 + 200],
    now: t0 + 999,
    expected: { decision: deny(1, 1), hits: [t0, t0 + 100, t0 + 200] },
  },
  {
    name: 'exactly windowMs after the oldest hit: it has left, allowed',
    hits: [t0, t0 + 100, t0 + 200],
    now: t0 + 1000,
    expected: { decision: allow(0, 100), hits: [t0 + 100, t0 + 200, t0 + 1000] },
  },
  {
    name: 'unordered log with stale entries is pruned and sorted',
    hits: [t0 + 500, t0 - 5000, t0 + 100, t0 + 900],
    now: t0 + 1050,
    expected: { decision: deny(50, 50), hits: [t0 + 100, t0 + 500, t0 + 900] },
  },
  {
    name: 'only stale entries: a fresh log',
    hits: [t0 - 2000, t0 - 1000],
    now: t0,
    expected: { decision: allow(2, 1000), hits: [t0] },
  },
  {
    name: 'log above a lowered limit waits for enough hits to leave',
    rule: { limit: 2, windowMs: 1000 },
    hits: [t0, t0 + 100, t0 + 200, t0 + 300, t0 + 400],
    now: t0 + 500,
    expected: { decision: deny(500, 800, 2), hits: [t0, t0 + 100, t0 + 200, t0 + 300, t0 + 400] },
  },
  {
    name: 'limit 1',
    rule: { limit: 1, windowMs: 60_000 },
    hits: [t0],
    now: t0 + 59_999,
    expected: { decision: deny(1, 1, 1), hits: [t0] },
  },
]

describe('rateLimitDecision', () => {
  it.each(cases)('$name', ({ rule: r = rule, hits, now, expected }) => {
    const input = Object.freeze([...hits])
    expect(rateLimitDecision(input, r, now)).toEqual(expected)
  })

  it.each([
    { limit: 0, windowMs: 1000 },
    { limit: 1.5, windowMs: 1000 },
    { limit: 3, windowMs: 0 },
    { limit: 3, windowMs: Number.NaN },
  ])('refuses the nonsensical rule %o', (bad) => {
    expect(() => rateLimitDecision([], bad, t0)).toThrow(TypeError)
  })
})

describe('sliding log properties', () => {
  const scenario = fc.record({
    limit: fc.integer({ min: 1, max: 6 }),
    windowMs: fc.integer({ min: 1, max: 500 }),
    // Offsets from t0, sorted below: requests arrive in time order, several may share a millisecond.
    offsets: fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 200 }),
  })

  it('never allows more than limit in any interval [a, a + windowMs), and refuses only when full', () => {
    fc.assert(
      fc.property(scenario, ({ limit, windowMs, offsets }) => {
        const times = offsets.map((o) => t0 + o).sort((a, b) => a - b)
        let log: number[] = []
        const allowed: number[] = []
        for (const now of times) {
          const { decision, hits } = rateLimitDecision(log, { limit, windowMs }, now)
          const inWindow = allowed.filter((t) => t > now - windowMs).length
          // Exact: refused if and only if `limit` allowed requests are already in (now - windowMs, now].
          expect(decision.allowed).toBe(inWindow < limit)
          if (decision.allowed) allowed.push(now)
          log = hits
        }
        for (const a of allowed) {
          expect(allowed.filter((t) => t >= a && t < a + windowMs).length).toBeLessThanOrEqual(limit)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('retryAfterMs is exact: refused 1 ms earlier, allowed at it', () => {
    fc.assert(
      fc.property(scenario, ({ limit, windowMs, offsets }) => {
        const r = { limit, windowMs }
        let log: number[] = []
        for (const now of offsets.map((o) => t0 + o).sort((a, b) => a - b)) {
          const { decision, hits } = rateLimitDecision(log, r, now)
          if (!decision.allowed) {
            expect(decision.retryAfterMs).toBeGreaterThan(0)
            const at = now + decision.retryAfterMs
            expect(rateLimitDecision(hits, r, at - 1).decision.allowed).toBe(false)
            expect(rateLimitDecision(hits, r, at).decision.allowed).toBe(true)
          }
          log = hits
        }
      }),
      { numRuns: 200 },
    )
  })
})

import { describe, expect, it } from 'vitest'
import { isAuthError } from '../../src/errors.js'
import { requireRecentAuth, stepUpDecision } from '../../src/policy/step-up.js'

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0)
const authTime = t0 / 1000

describe('stepUpDecision', () => {
  const cases: [string, number, ReturnType<typeof stepUpDecision>][] = [
    ['just signed in', t0, { type: 'fresh' }],
    ['exactly at the limit', t0 + 600_000, { type: 'fresh' }],
    ['one second past it', t0 + 601_000, { type: 'stale', ageSeconds: 601, maxAgeSeconds: 600 }],
    ['an auth_time in the future (clock skew)', t0 - 5_000, { type: 'fresh' }],
  ]
  it.each(cases)('%s', (_name, now, decision) => {
    expect(stepUpDecision(authTime, now, 600)).toEqual(decision)
  })
})

describe('requireRecentAuth', () => {
  it('passes a recent check and throws STEP_UP_REQUIRED with maxAgeSeconds for an old one', () => {
    expect(() => requireRecentAuth({ authTime }, t0 + 599_000, 600)).not.toThrow()
    let thrown: unknown
    try {
      requireRecentAuth({ authTime }, t0 + 11 * 60_000, 600)
    } catch (error) {
      thrown = error
    }
    expect(isAuthError(thrown, 'STEP_UP_REQUIRED')).toBe(true)
    if (!isAuthError(thrown)) return
    expect(thrown.status()).toBe(403)
    expect(thrown.details).toEqual({ maxAgeSeconds: 600 })
  })
})

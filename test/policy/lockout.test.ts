import { describe, expect, it } from 'vitest'
import {
  defaultLockoutSettings,
  type LockoutDecision,
  type LockoutSettings,
  type LockoutState,
  lockDurationMs,
  lockoutDecision,
  registerFailure,
} from '../../src/policy/lockout.js'

const t0 = Date.UTC(2025, 0, 1, 12, 0, 0)
const minute = 60_000
const open: LockoutDecision = { type: 'open' }
const locked = (lockedUntil: number, now: number): LockoutDecision => ({
  type: 'locked',
  lockedUntil,
  retryAfterMs: lockedUntil - now,
})
const state = (failures: number, windowStartedAt: number, lockedUntil: number | null, lockCount: number) => ({
  failures,
  windowStartedAt,
  lockedUntil,
  lockCount,
})

type Step =
  | {
      op: 'fail'
      now: number
      expected: { state: LockoutState; decision: LockoutDecision; lockedNow: boolean }
    }
  | { op: 'check'; now: number; expected: LockoutDecision }

type Scenario = { name: string; settings: LockoutSettings; steps: Step[] }

const lockedAt = t0 + 4 * minute
const until = lockedAt + 30 * minute
const progressive: LockoutSettings = {
  threshold: 2,
  windowMs: 5 * minute,
  lockMs: 10 * minute,
  progressive: true,
  maxLockMs: 35 * minute,
}

const scenarios: Scenario[] = [
  {
    name: 'the 5th failure in the window answers locked, and the lock lasts 30 min exactly',
    settings: defaultLockoutSettings,
    steps: [
      { op: 'check', now: t0, expected: open },
      { op: 'fail', now: t0, expected: { state: state(1, t0, null, 0), decision: open, lockedNow: false } },
      {
        op: 'fail',
        now: t0 + minute,
        expected: { state: state(2, t0, null, 0), decision: open, lockedNow: false },
      },
      {
        op: 'fail',
        now: t0 + 2 * minute,
        expected: { state: state(3, t0, null, 0), decision: open, lockedNow: false },
      },
      {
        op: 'fail',
        now: t0 + 3 * minute,
        expected: { state: state(4, t0, null, 0), decision: open, lockedNow: false },
      },
      {
        op: 'fail',
        now: lockedAt,
        expected: { state: state(5, t0, until, 1), decision: locked(until, lockedAt), lockedNow: true },
      },
      { op: 'check', now: lockedAt, expected: locked(until, lockedAt) },
      { op: 'check', now: until - 1, expected: locked(until, until - 1) },
      // Failures during the lock count but do not extend it.
      {
        op: 'fail',
        now: lockedAt + 10 * minute,
        expected: {
          state: state(6, t0, until, 1),
          decision: locked(until, lockedAt + 10 * minute),
          lockedNow: false,
        },
      },
      {
        op: 'fail',
        now: until - 1,
        expected: { state: state(7, t0, until, 1), decision: locked(until, until - 1), lockedNow: false },
      },
      { op: 'check', now: until, expected: open },
      // After the lock, counting starts afresh; lockCount is kept.
      {
        op: 'fail',
        now: until,
        expected: { state: state(1, until, null, 1), decision: open, lockedNow: false },
      },
    ],
  },
  {
    name: 'a failure exactly windowMs after the first starts a new window',
    settings: defaultLockoutSettings,
    steps: [
      { op: 'fail', now: t0, expected: { state: state(1, t0, null, 0), decision: open, lockedNow: false } },
      {
        op: 'fail',
        now: t0 + 1,
        expected: { state: state(2, t0, null, 0), decision: open, lockedNow: false },
      },
      {
        op: 'fail',
        now: t0 + 2,
        expected: { state: state(3, t0, null, 0), decision: open, lockedNow: false },
      },
      {
        op: 'fail',
        now: t0 + 3,
        expected: { state: state(4, t0, null, 0), decision: open, lockedNow: false },
      },
      {
        op: 'fail',
        now: t0 + 30 * minute,
        expected: { state: state(1, t0 + 30 * minute, null, 0), decision: open, lockedNow: false },
      },
    ],
  },
  {
    name: 'a failure 1 ms before the window ends still counts',
    settings: defaultLockoutSettings,
    steps: [
      { op: 'fail', now: t0, expected: { state: state(1, t0, null, 0), decision: open, lockedNow: false } },
      {
        op: 'fail',
        now: t0 + 1,
        expected: { state: state(2, t0, null, 0), decision: open, lockedNow: false },
      },
      {
        op: 'fail',
        now: t0 + 2,
        expected: { state: state(3, t0, null, 0), decision: open, lockedNow: false },
      },
      {
        op: 'fail',
        now: t0 + 3,
        expected: { state: state(4, t0, null, 0), decision: open, lockedNow: false },
      },
      {
        op: 'fail',
        now: t0 + 30 * minute - 1,
        expected: {
          state: state(5, t0, t0 + 60 * minute - 1, 1),
          decision: locked(t0 + 60 * minute - 1, t0 + 30 * minute - 1),
          lockedNow: true,
        },
      },
    ],
  },
  {
    name: 'progressive locks double (10, 20, 40 → capped at 35 min) and lockCount persists',
    settings: progressive,
    steps: [
      { op: 'fail', now: t0, expected: { state: state(1, t0, null, 0), decision: open, lockedNow: false } },
      {
        op: 'fail',
        now: t0,
        expected: {
          state: state(2, t0, t0 + 10 * minute, 1),
          decision: locked(t0 + 10 * minute, t0),
          lockedNow: true,
        },
      },
      {
        op: 'fail',
        now: t0 + 10 * minute,
        expected: { state: state(1, t0 + 10 * minute, null, 1), decision: open, lockedNow: false },
      },
      {
        op: 'fail',
        now: t0 + 11 * minute,
        expected: {
          state: state(2, t0 + 10 * minute, t0 + 31 * minute, 2),
          decision: locked(t0 + 31 * minute, t0 + 11 * minute),
          lockedNow: true,
        },
      },
      // The window elapsed during the lock: the next failure still starts afresh, lockCount kept.
      {
        op: 'fail',
        now: t0 + 31 * minute,
        expected: { state: state(1, t0 + 31 * minute, null, 2), decision: open, lockedNow: false },
      },
      {
        op: 'fail',
        now: t0 + 32 * minute,
        expected: {
          state: state(2, t0 + 31 * minute, t0 + 67 * minute, 3),
          decision: locked(t0 + 67 * minute, t0 + 32 * minute),
          lockedNow: true,
        },
      },
    ],
  },
  {
    name: 'threshold 1 locks on the first failure',
    settings: { ...defaultLockoutSettings, threshold: 1 },
    steps: [
      {
        op: 'fail',
        now: t0,
        expected: {
          state: state(1, t0, t0 + 30 * minute, 1),
          decision: locked(t0 + 30 * minute, t0),
          lockedNow: true,
        },
      },
    ],
  },
]

describe('lockout scenarios', () => {
  it.each(scenarios)('$name', ({ settings, steps }) => {
    let current: LockoutState | undefined
    for (const step of steps) {
      if (step.op === 'check') {
        expect(lockoutDecision(current, settings, step.now)).toEqual(step.expected)
        continue
      }
      // Frozen input: the policy must return a new state, never mutate the stored one.
      const result = registerFailure(current && Object.freeze({ ...current }), settings, step.now)
      expect(result).toEqual(step.expected)
      current = result.state
    }
  })
})

describe('lockoutDecision', () => {
  it.each([
    { name: 'no state', state: undefined, now: t0, expected: open },
    { name: 'failures but no lock', state: state(4, t0, null, 0), now: t0, expected: open },
    { name: 'locked', state: state(5, t0, t0 + 100, 1), now: t0 + 40, expected: locked(t0 + 100, t0 + 40) },
    {
      name: 'lock ends exactly at lockedUntil',
      state: state(5, t0, t0 + 100, 1),
      now: t0 + 100,
      expected: open,
    },
  ])('$name', ({ state, now, expected }) => {
    expect(lockoutDecision(state, defaultLockoutSettings, now)).toEqual(expected)
  })
})

describe('lockDurationMs', () => {
  it.each([
    { lockNumber: 1, progressive: false, expected: 10 * minute },
    { lockNumber: 5, progressive: false, expected: 10 * minute },
    { lockNumber: 1, progressive: true, expected: 10 * minute },
    { lockNumber: 2, progressive: true, expected: 20 * minute },
    { lockNumber: 3, progressive: true, expected: 35 * minute },
    { lockNumber: 4, progressive: true, expected: 35 * minute },
    { lockNumber: 5000, progressive: true, expected: 35 * minute },
  ])(
    'lock #$lockNumber (progressive: $progressive) lasts $expected ms',
    ({ lockNumber, progressive: p, expected }) => {
      expect(lockDurationMs({ ...progressive, progressive: p }, lockNumber)).toBe(expected)
    },
  )

  it('defaults follow security-defaults.md', () => {
    expect(defaultLockoutSettings).toEqual({
      threshold: 5,
      windowMs: 30 * minute,
      lockMs: 30 * minute,
      progressive: false,
      maxLockMs: 24 * 60 * minute,
    })
  })
})

import type { Clock } from '../ports.js'

/** A clock that only moves when told to, for deterministic tests. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void
  /** Jumps to an absolute instant (milliseconds since the epoch). */
  set(ms: number): void
}

/** Creates a fake clock starting at `start` (default 2026-01-01T00:00:00.000Z). */
export function fakeClock(start: number = Date.UTC(2026, 0, 1)): FakeClock {
  let current = start
  return {
    now: () => current,
    advance(ms) {
      current += ms
    },
    set(ms) {
      current = ms
    },
  }
}

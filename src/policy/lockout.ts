/** How many failures lock an account, over what window, and for how long. */
export interface LockoutSettings {
  /** Consecutive failures within `windowMs` that lock the account. */
  threshold: number
  /** Length of the counting window, which starts at its first failure. */
  windowMs: number
  /** Duration of a lock (of the first lock in progressive mode). */
  lockMs: number
  /** Whether each new lock lasts twice as long as the previous one, up to `maxLockMs`. */
  progressive: boolean
  /** Longest lock progressive mode may impose. */
  maxLockMs: number
}

/** The stored failure counter of one login key (the normalised email); the caller deletes it on success. */
export interface LockoutState {
  /** Failures counted in the current window, including those registered while locked. */
  failures: number
  /** When the current window's first failure happened (ms since epoch). */
  windowStartedAt: number
  /** When the current lock ends (ms since epoch), or null when no lock has been imposed in this window. */
  lockedUntil: number | null
  /** How many locks this key has had since its last success; drives progressive mode. */
  lockCount: number
}

/** Whether a login attempt may proceed to the password check, or the account is locked and until when. */
export type LockoutDecision = { type: 'open' } | { type: 'locked'; lockedUntil: number; retryAfterMs: number }

/** The result of registering a failure: the state to store, the decision, and whether this failure imposed the lock. */
export interface LockoutFailure {
  state: LockoutState
  decision: LockoutDecision
  /** True only for the failure that reached the threshold, so the lock is audited (and mailed) once. */
  lockedNow: boolean
}

const minute = 60_000

/** The defaults of security-defaults.md: 5 failures within 30 min lock for 30 min; progressive locks cap at 24 h. */
export const defaultLockoutSettings: Readonly<LockoutSettings> = Object.freeze({
  threshold: 5,
  windowMs: 30 * minute,
  lockMs: 30 * minute,
  progressive: false,
  maxLockMs: 24 * 60 * minute,
})

function isLocked(
  state: LockoutState | undefined,
  now: number,
): state is LockoutState & { lockedUntil: number } {
  // The lock covers [lockedAt, lockedUntil): at lockedUntil itself the account is open again.
  return state !== undefined && state.lockedUntil !== null && now < state.lockedUntil
}

function locked(lockedUntil: number, now: number): LockoutDecision {
  return { type: 'locked', lockedUntil, retryAfterMs: lockedUntil - now }
}

/** How long the n-th lock (1-based) of a key lasts under the settings. */
export function lockDurationMs(settings: Readonly<LockoutSettings>, lockNumber: number): number {
  if (!settings.progressive) return settings.lockMs
  // 2 ** n overflows to Infinity for huge n, which Math.min still caps correctly.
  return Math.min(settings.lockMs * 2 ** Math.max(0, lockNumber - 1), settings.maxLockMs)
}

/**
 * Decides, BEFORE the password is verified, whether a login attempt may proceed: a locked account is refused even
 * with the right password, so a guesser learns nothing from attempts made during the lock.
 */
export function lockoutDecision(
  state: LockoutState | undefined,
  // Unused today; in the signature so a setting that affects the check (e.g. lockout off) needs no call-site change.
  _settings: Readonly<LockoutSettings>,
  now: number,
): LockoutDecision {
  return isLocked(state, now) ? locked(state.lockedUntil, now) : { type: 'open' }
}

/**
 * Registers a failed login and returns the next state: the failure that reaches the threshold locks the account
 * at once; failures while locked are counted but never extend the lock; after a lock, counting starts afresh.
 */
export function registerFailure(
  state: LockoutState | undefined,
  settings: Readonly<LockoutSettings>,
  now: number,
): LockoutFailure {
  if (isLocked(state, now)) {
    // Not extending the lock is deliberate: if failures during a lock extended it, anyone who knows a victim's
    // email could keep the account locked indefinitely with one request per lock period. The trade-off: an attacker
    // can still re-lock the account right after it opens with `threshold` more attempts. That denial of service
    // is inherent to account lockout; per-IP rate limits slow it down and password reset keeps working while
    // locked, so the owner is never stuck. The counter still grows so audit logs show the hammering.
    return {
      state: { ...state, failures: state.failures + 1 },
      decision: locked(state.lockedUntil, now),
      lockedNow: false,
    }
  }
  // A fresh window starts with the first failure ever, after an expired lock, or once the window has elapsed
  // (the window is [windowStartedAt, windowStartedAt + windowMs), so a failure exactly at its end starts anew).
  const fresh =
    state === undefined || state.lockedUntil !== null || now - state.windowStartedAt >= settings.windowMs
  const failures = fresh ? 1 : state.failures + 1
  const windowStartedAt = fresh ? now : state.windowStartedAt
  // lockCount survives across windows and locks so progressive locks keep growing; only a success (the caller
  // deleting the state) resets it.
  const lockCount = state?.lockCount ?? 0
  if (failures < settings.threshold) {
    return {
      state: { failures, windowStartedAt, lockedUntil: null, lockCount },
      decision: { type: 'open' },
      lockedNow: false,
    }
  }
  const lockedUntil = now + lockDurationMs(settings, lockCount + 1)
  return {
    state: { failures, windowStartedAt, lockedUntil, lockCount: lockCount + 1 },
    decision: locked(lockedUntil, now),
    lockedNow: true,
  }
}

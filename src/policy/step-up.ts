import type { Principal } from '../auth-types.js'
import { AuthError } from '../errors.js'

/** Whether the last factor check of a sign-in is recent enough for a sensitive action. */
export type StepUpDecision = { type: 'fresh' } | { type: 'stale'; ageSeconds: number; maxAgeSeconds: number }

/**
 * Decides whether a factor checked at `authTimeSeconds` (the access token's `auth_time`, seconds since the
 * epoch) is at most `maxAgeSeconds` old at `now` (milliseconds since the epoch). A check stamped in the
 * future (clock skew between instances) counts as fresh.
 */
export function stepUpDecision(authTimeSeconds: number, now: number, maxAgeSeconds: number): StepUpDecision {
  const ageSeconds = Math.floor(now / 1000) - authTimeSeconds
  return ageSeconds <= maxAgeSeconds ? { type: 'fresh' } : { type: 'stale', ageSeconds, maxAgeSeconds }
}

/**
 * Throws 403 STEP_UP_REQUIRED (`details: { maxAgeSeconds }`) unless the principal proved a password or
 * second factor within the last `maxAgeSeconds` (config `mfa.stepUpMaxAgeSeconds`, default 600). For
 * sensitive actions whose request carries no password or code of its own (creating an API key, say); the
 * client answers it by signing in again. `now` is milliseconds since the epoch.
 */
export function requireRecentAuth(
  principal: Pick<Principal, 'authTime'>,
  now: number,
  maxAgeSeconds: number,
): void {
  const decision = stepUpDecision(principal.authTime, now, maxAgeSeconds)
  if (decision.type === 'stale')
    throw new AuthError('STEP_UP_REQUIRED', undefined, { details: { maxAgeSeconds } })
}

import type { Auth } from '../auth-types.js'
import type { AuthSettings } from '../config.js'
import { AuthError } from '../errors.js'
import { ipRateKey, type RateDecision } from '../policy/rate-limit.js'

/** The name of a rule in `settings.rateLimits`. */
export type RateRuleName = Exclude<keyof AuthSettings['rateLimits'], 'enabled'>

/** One limit of a route: a rule, keyed by client IP or by (IP, email), optionally only for some bodies. */
export interface RouteRateLimit {
  rule: RateRuleName
  by: 'ip' | 'ip-email'
  /** Counts only when this holds for the (unvalidated) body; e.g. the /token password grant. */
  when?: (body: Record<string, unknown>) => boolean
}

/** The email a request is about, trimmed and lower-cased as everywhere else; null when absent or absurd. */
export function rateEmail(body: unknown, field: string): string | null {
  if (typeof body !== 'object' || body === null) return null
  const value = (body as Record<string, unknown>)[field]
  if (typeof value !== 'string') return null
  const email = value.trim().toLowerCase()
  // Longer than any valid address: validation refuses it anyway, and it would only bloat the counter keys.
  return email.length > 0 && email.length <= 254 ? email : null
}

/**
 * Counts one request against each of the route's limits and throws RATE_LIMITED when any refuses it.
 * Runs before validation and before the flow, so every request counts whatever its outcome, and a limited
 * login attempt never reaches the password hash. Every rule is hit even after one refuses, so the (IP, email)
 * and per-IP logs stay in step.
 */
export async function enforceRateLimits(
  auth: Auth,
  limits: readonly RouteRateLimit[],
  input: { ip: string | null; body: unknown; emailField: string },
): Promise<void> {
  if (!auth.settings.rateLimits.enabled || limits.length === 0) return
  const ip = input.ip === null ? 'unknown' : ipRateKey(input.ip)
  const email = rateEmail(input.body, input.emailField)
  const body =
    typeof input.body === 'object' && input.body !== null ? (input.body as Record<string, unknown>) : {}
  const now = auth.clock.now()
  let refused: RateDecision | null = null
  for (const limit of limits) {
    if (limit.when !== undefined && !limit.when(body)) continue
    if (limit.by === 'ip-email' && email === null) continue
    const setting = auth.settings.rateLimits[limit.rule]
    // The key names the rule, not the route: /token's password grant shares the login counters with /login.
    const key = limit.by === 'ip' ? `rl:${limit.rule}:${ip}` : `rl:${limit.rule}:${ip}:${email}`
    const rule = { limit: setting.limit, windowMs: setting.windowSeconds * 1000 }
    const decision = await auth.rateStore.hitRateLimit(key, rule, now)
    if (!decision.allowed && (refused === null || decision.retryAfterMs > refused.retryAfterMs))
      refused = decision
  }
  if (refused !== null) {
    throw new AuthError('RATE_LIMITED', undefined, {
      retryAfterSeconds: Math.max(1, Math.ceil(refused.retryAfterMs / 1000)),
      rateLimit: {
        limit: refused.limit,
        remaining: refused.remaining,
        resetSeconds: Math.ceil(refused.resetMs / 1000),
      },
    })
  }
}

export { ipRateKey } from './ip-rate-key.js'

/** At most `limit` requests in any window of `windowMs` milliseconds. */
export interface RateRule {
  limit: number
  windowMs: number
}

/** The answer to one request, with what `RateLimit-*` and `Retry-After` headers need. */
export interface RateDecision {
  allowed: boolean
  limit: number
  /** Requests still allowed in the current window after this one. */
  remaining: number
  /** Milliseconds until the oldest counted request leaves the window (0 when none is counted). */
  resetMs: number
  /** 0 when allowed; otherwise milliseconds until a request would be allowed again. */
  retryAfterMs: number
}

/** A decision and the log to store in place of the old one. */
export interface RateLimitResult {
  decision: RateDecision
  /** The pruned log (only hits newer than now - windowMs), plus `now` when the request was allowed. */
  hits: number[]
}

function assertRule(rule: Readonly<RateRule>): void {
  // Caller misuse, not an outcome: a limit below 1 has no next allowed time, and config validation should have
  // refused it already.
  if (!Number.isInteger(rule.limit) || rule.limit < 1)
    throw new TypeError('rate rule limit must be an integer >= 1')
  if (!(rule.windowMs > 0)) throw new TypeError('rate rule windowMs must be > 0')
}

/**
 * Decides one request by an exact sliding log of the timestamps of earlier allowed requests (any order, stale
 * entries allowed): it allows at most `limit` requests in every interval (t - windowMs, t].
 */
export function rateLimitDecision(
  hits: readonly number[],
  rule: Readonly<RateRule>,
  now: number,
): RateLimitResult {
  // Why a log and not a counter: a fixed window lets 2N through around a boundary (N at its end, N at the next
  // start), and GCRA / token buckets let N+1 through in some interval of length T (a full bucket, then one token
  // refilled). The contract is "at most N in ANY interval of length T", which only an exact log guarantees. Its
  // cost is O(limit) timestamps per key, bounded because refused requests are never logged (so hammering a
  // limited key does not grow it). The store MUST apply read-decide-write atomically (one Lua script, one
  // transaction), or parallel requests each see room for one more.
  assertRule(rule)
  const windowStart = now - rule.windowMs
  const kept = hits.filter((t) => t > windowStart)
  const allowed = kept.length < rule.limit
  if (allowed) kept.push(now)
  kept.sort((a, b) => a - b)
  const oldest = kept[0]
  const resetMs = oldest === undefined ? 0 : Math.max(0, oldest + rule.windowMs - now)
  // Refused: wait until enough hits have left the window that exactly one slot opens.
  const blocker = kept[kept.length - rule.limit]
  const retryAfterMs = allowed || blocker === undefined ? 0 : blocker + rule.windowMs - now
  const remaining = allowed ? rule.limit - kept.length : 0
  return { decision: { allowed, limit: rule.limit, remaining, resetMs, retryAfterMs }, hits: kept }
}

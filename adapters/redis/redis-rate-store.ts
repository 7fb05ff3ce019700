import type { LockoutDecision, LockoutSettings, LockoutState } from '../../src/policy/lockout.js'
import type { RateDecision, RateRule } from '../../src/policy/rate-limit.js'
import type { RateStore } from '../../src/ports.js'
import { arg, numbersOf, type RedisClientLike, runScript } from './client.js'
import { lockoutFields, lockoutScript } from './lockout-script.js'
import { rateLimitScript } from './rate-limit-script.js'

/** Options of `redisRateStore`. */
export interface RedisRateStoreOptions {
  /** Put before every key, so several apps (or test runs) can share one Redis. Default `portcullis:`. */
  prefix?: string
}

/**
 * How long a key outlives the moment it stops mattering. The decisions use the callers' clocks but Redis expires
 * keys by its own; the slack keeps an instance whose clock is behind from finding a key already gone (and so
 * allowing more than the limit), as long as clocks differ by less than this.
 */
const expirySlackMs = 60_000

function checkRule(rule: Readonly<RateRule>): void {
  // The same misuse the policy refuses: a limit below 1 has no next allowed time.
  if (!Number.isInteger(rule.limit) || rule.limit < 1)
    throw new TypeError('rate rule limit must be an integer >= 1')
  if (!(rule.windowMs > 0)) throw new TypeError('rate rule windowMs must be > 0')
}

function toState(values: readonly (string | null)[]): LockoutState | undefined {
  const [failures, windowStartedAt, lockedUntil, lockCount] = values
  if (failures === null || failures === undefined) return undefined
  return {
    failures: Number(failures),
    windowStartedAt: Number(windowStartedAt),
    lockedUntil: lockedUntil === null || lockedUntil === undefined ? null : Number(lockedUntil),
    lockCount: Number(lockCount),
  }
}

function decodeFailure(reply: unknown) {
  if (!Array.isArray(reply) || reply.length !== 6)
    throw new Error(`portcullis redis: unexpected script reply ${JSON.stringify(reply)}`)
  const [failures, windowStartedAt, lockedUntil, lockCount, locked, lockedNow] = reply.map(String)
  const state: LockoutState = {
    failures: Number(failures),
    windowStartedAt: Number(windowStartedAt),
    lockedUntil: lockedUntil === '' ? null : Number(lockedUntil),
    lockCount: Number(lockCount),
  }
  return { state, locked: locked === '1', lockedNow: lockedNow === '1' }
}

/**
 * Rate-limit logs and lockout counters in Redis, for several app instances beside a SQL store
 * (`createAuth({ store, rateStore: redisRateStore(redis) })`). Each operation is one Lua script on one key, so
 * it is atomic across every instance that shares the Redis: of N concurrent hits with a limit of L, at most L
 * are allowed; N concurrent failures count N. Decisions are exactly those of the pure policies. The client
 * (ioredis, say) stays yours to close.
 */
export function redisRateStore(client: RedisClientLike, options: RedisRateStoreOptions = {}): RateStore {
  const prefix = options.prefix ?? 'portcullis:'
  const rateKey = (key: string) => `${prefix}rate:${key}`
  const lockoutKey = (key: string) => `${prefix}lockout:${key}`
  return {
    async hitRateLimit(key, rule, now): Promise<RateDecision> {
      checkRule(rule)
      const reply = await runScript(client, rateLimitScript, rateKey(key), [
        arg(now),
        arg(rule.limit),
        arg(rule.windowMs),
        arg(expirySlackMs),
      ])
      const [allowed, remaining, resetMs, retryAfterMs] = numbersOf(reply, 4) as [
        number,
        number,
        number,
        number,
      ]
      return { allowed: allowed === 1, limit: rule.limit, remaining, resetMs, retryAfterMs }
    },
    async getLockout(key) {
      return toState(await client.hmget(lockoutKey(key), ...lockoutFields))
    },
    async registerLoginFailure(key, settings: Readonly<LockoutSettings>, now) {
      const reply = await runScript(client, lockoutScript, lockoutKey(key), [
        arg(now),
        arg(settings.threshold),
        arg(settings.windowMs),
        arg(settings.lockMs),
        settings.progressive ? '1' : '0',
        arg(settings.maxLockMs),
        arg(expirySlackMs),
      ])
      const { state, locked, lockedNow } = decodeFailure(reply)
      const decision: LockoutDecision =
        locked && state.lockedUntil !== null
          ? { type: 'locked', lockedUntil: state.lockedUntil, retryAfterMs: state.lockedUntil - now }
          : { type: 'open' }
      return { state, decision, lockedNow }
    },
    async clearLockout(key) {
      await client.del(lockoutKey(key))
    },
  }
}

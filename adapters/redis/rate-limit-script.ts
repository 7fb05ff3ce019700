import { luaPrelude, luaScript } from './client.js'

/**
 * The sliding log of `rateLimitDecision` (src/policy/rate-limit.ts) as one Lua script over a sorted set of hit
 * times, so read, decide and write are one atomic step on the server. Line by line it mirrors the policy:
 * keep hits newer than now - windowMs; allow when fewer than `limit` remain (and log now); report `remaining`,
 * `resetMs` (until the oldest logged hit leaves) and `retryAfterMs` (until the hit `limit` places from the
 * newest leaves). The key expires `slackMs` after its newest hit leaves the window, so idle keys cost nothing.
 *
 * KEYS[1]: the log. ARGV: now, limit, windowMs, slackMs. Reply: allowed (0/1), remaining, resetMs, retryAfterMs.
 */
export const rateLimitScript = luaScript(`${luaPrelude}
local key = KEYS[1]
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local slackMs = tonumber(ARGV[4])

-- Keep hits with t > now - windowMs: the score range up to now - windowMs (inclusive) goes.
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - windowMs)
local count = redis.call('ZCARD', key)
local allowed = count < limit
if allowed then
  -- Members must be unique: several hits in one millisecond get the suffixes 0, 1, 2...
  local same = redis.call('ZCOUNT', key, now, now)
  redis.call('ZADD', key, now, ARGV[1] .. ':' .. same)
  count = count + 1
end

local resetMs = 0
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
if oldest[2] then resetMs = math.max(0, tonumber(oldest[2]) + windowMs - now) end

local retryAfterMs = 0
if not allowed then
  -- Refused: one slot opens when the hit 'limit' places from the newest leaves the window.
  local blocker = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  retryAfterMs = tonumber(blocker[2]) + windowMs - now
end

local remaining = 0
if allowed then remaining = limit - count end

local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if newest[2] then
  redis.call('PEXPIRE', key, math.max(1, math.ceil(tonumber(newest[2]) + windowMs - now + slackMs)))
end

return { allowed and '1' or '0', fmt(remaining), fmt(resetMs), fmt(retryAfterMs) }
`)

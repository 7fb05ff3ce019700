import { luaPrelude, luaScript } from './client.js'

/** The hash fields of a lockout state; an absent `lockedUntil` is null. */
export const lockoutFields = ['failures', 'windowStartedAt', 'lockedUntil', 'lockCount'] as const

/**
 * `registerFailure` (src/policy/lockout.ts) as one Lua script over a hash, so N concurrent failures leave a
 * count of exactly N and each caller gets the decision of its own increment. It is a line-by-line port; the
 * Redis test suite runs both on the same random sequences. The key expires when neither its window nor its
 * lock matters any more (plus the longest lock in progressive mode, which keeps the lock count), as the SQL
 * store's purge does, plus `slackMs`.
 *
 * KEYS[1]: the state. ARGV: now, threshold, windowMs, lockMs, progressive (0/1), maxLockMs, slackMs.
 * Reply: failures, windowStartedAt, lockedUntil ('' for none), lockCount, locked (0/1), lockedNow (0/1).
 */
export const lockoutScript = luaScript(`${luaPrelude}
local key = KEYS[1]
local now = tonumber(ARGV[1])
local threshold = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local lockMs = tonumber(ARGV[4])
local progressive = ARGV[5] == '1'
local maxLockMs = tonumber(ARGV[6])
local slackMs = tonumber(ARGV[7])

local f = redis.call('HMGET', key, 'failures', 'windowStartedAt', 'lockedUntil', 'lockCount')
local exists = f[1] ~= false
local failures = 0
local windowStartedAt = 0
local lockedUntil = nil
local lockCount = 0
if exists then
  failures = tonumber(f[1])
  windowStartedAt = tonumber(f[2])
  if f[3] then lockedUntil = tonumber(f[3]) end
  lockCount = tonumber(f[4])
end

local locked = 0
local lockedNow = 0
if lockedUntil ~= nil and now < lockedUntil then
  -- Locked: count the failure, never extend the lock (see registerFailure for why).
  failures = failures + 1
  locked = 1
else
  -- A fresh window after the first failure ever, after a lock, or once the window has elapsed.
  local fresh = (not exists) or lockedUntil ~= nil or now - windowStartedAt >= windowMs
  if fresh then
    failures = 1
    windowStartedAt = now
  else
    failures = failures + 1
  end
  lockedUntil = nil
  if failures >= threshold then
    -- lockDurationMs(settings, lockCount + 1)
    local duration = lockMs
    if progressive then duration = math.min(lockMs * 2 ^ math.max(0, lockCount), maxLockMs) end
    lockedUntil = now + duration
    lockCount = lockCount + 1
    locked = 1
    lockedNow = 1
  end
end

redis.call('HSET', key, 'failures', fmt(failures), 'windowStartedAt', fmt(windowStartedAt), 'lockCount', fmt(lockCount))
if lockedUntil ~= nil then
  redis.call('HSET', key, 'lockedUntil', fmt(lockedUntil))
else
  redis.call('HDEL', key, 'lockedUntil')
end
local ends = math.max(windowStartedAt + windowMs, lockedUntil or 0)
if progressive then ends = ends + maxLockMs end
redis.call('PEXPIRE', key, math.max(1, math.ceil(ends - now + slackMs)))

local lockedUntilText = ''
if lockedUntil ~= nil then lockedUntilText = fmt(lockedUntil) end
return { fmt(failures), fmt(windowStartedAt), lockedUntilText, fmt(lockCount), tostring(locked), tostring(lockedNow) }
`)

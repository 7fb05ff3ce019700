import type { Principal, RequestContext } from '../auth-types.js'
import { hashToken } from '../crypto/tokens.js'
import { AuthError } from '../errors.js'
import { inRange, type IpRange, parseCidr, parseIp } from '../http/ip-address.js'
import type { ApiKeyRecord, ApiKeyUsage, UserRecord } from '../types.js'
import type { Core } from './core.js'

/** `<tag>_` + 43 base64url characters; anything else is not worth a lookup. */
const keyShape = /^[a-z][a-z0-9]{0,15}_[A-Za-z0-9_-]{43}$/
/** Bounds the cache: an instance serving more keys than this simply looks the rest up more often. */
const MAX_CACHED_KEYS = 10_000

/** A key and the facts about its user that a request needs, as read from the store at `fetchedAt`. */
interface CachedKey {
  key: ApiKeyRecord
  user: Pick<UserRecord, 'id' | 'roles' | 'status' | 'tokenVersion'>
  ranges: IpRange[]
  fetchedAt: number
}

/**
 * Per-instance state of API-key authentication: a short-lived cache of looked-up keys (so a request costs no
 * store round trip), and usage counts batched in memory and written every few seconds (so a request costs no
 * write either). The cache is checked against the revocation feed on every use, so deleting or rotating a key,
 * blocking its user or changing their roles takes effect at once, exactly like a revoked session.
 */
export class ApiKeyRuntime {
  readonly #cache = new Map<string, CachedKey>()
  readonly #usage = new Map<string, ApiKeyUsage>()
  #timer: NodeJS.Timeout | null = null
  #flushing: Promise<void> = Promise.resolve()

  constructor(private readonly core: Core) {}

  /** How long a looked-up key is trusted; never longer than a revocation entry lives (an access token's TTL). */
  get #ttlMs(): number {
    const s = this.core.settings
    return Math.min(s.apiKeys.cacheTtlSeconds, s.accessToken.ttlSeconds) * 1000
  }

  /** The cached lookup of `keyHash`, or a fresh one from the store. */
  async lookup(keyHash: string, now: number): Promise<CachedKey | null> {
    const hit = this.#cache.get(keyHash)
    if (hit && now - hit.fetchedAt < this.#ttlMs && !this.#revoked(hit)) return hit
    this.#cache.delete(keyHash)
    const key = await this.core.store.findApiKeyByHash(keyHash)
    if (!key || key.revokedAt !== null) return null
    const user = await this.core.store.findUserById(key.userId)
    if (!user) return null
    const entry: CachedKey = { key, user, ranges: key.allowedIps.map((r) => parseCidr(r)), fetchedAt: now }
    // A revocation applied while the store answered is caught here (and on every later use).
    if (this.#revoked(entry)) return null
    // Only a usable key is cached: a block is undone by an unblock, which publishes nothing to refuse.
    if (this.#ttlMs > 0 && user.status === 'active') {
      if (this.#cache.size >= MAX_CACHED_KEYS) this.#cache.delete(this.#cache.keys().next().value as string)
      this.#cache.set(keyHash, entry)
    }
    return entry
  }

  #revoked(entry: CachedKey): boolean {
    return this.core.revocations.isApiKeyRevoked({
      keyHash: entry.key.keyHash,
      userId: entry.user.id,
      version: entry.user.tokenVersion,
    })
  }

  /** Counts one use of a key in memory; the batch is written by the next flush. */
  recordUse(id: string, now: number): void {
    const use = this.#usage.get(id)
    if (use) {
      use.count += 1
      use.lastUsedAt = Math.max(use.lastUsedAt, now)
    } else this.#usage.set(id, { id, count: 1, lastUsedAt: now })
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.flush(), this.core.settings.apiKeys.usageFlushSeconds * 1000)
      this.#timer.unref()
    }
  }

  /** Writes the counted uses in one batch; a failed write keeps them for the next flush. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (this.#usage.size === 0) return
      const batch = [...this.#usage.values()]
      this.#usage.clear()
      try {
        await this.core.store.recordApiKeyUsage(batch)
      } catch (error) {
        this.core.logger.warn('API key usage flush failed; retrying with the next batch', {
          error: String(error),
        })
        for (const use of batch) {
          const later = this.#usage.get(use.id)
          this.#usage.set(use.id, {
            id: use.id,
            count: use.count + (later?.count ?? 0),
            lastUsedAt: Math.max(use.lastUsedAt, later?.lastUsedAt ?? 0),
          })
        }
      }
    })
    return this.#flushing
  }

  /** Stops the flush timer and writes what is left (`auth.close()`). */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    await this.flush()
  }
}

function allowedFrom(ranges: readonly IpRange[], ip: string | null): boolean {
  if (ranges.length === 0) return true
  const parsed = ip === null ? null : parseIp(ip)
  return parsed !== null && ranges.some((range) => inRange(parsed, range))
}

/**
 * Resolves an API key (the `X-API-Key` header) to its user's principal. Unknown, deleted, rotated-away and
 * expired keys are UNAUTHENTICATED; a request from outside `allowedIps` is FORBIDDEN; a blocked user's key is
 * ACCOUNT_DISABLED. The principal can never pass a step-up check (`authTime` 0).
 */
export async function authenticateApiKey(
  core: Core,
  runtime: ApiKeyRuntime,
  presented: string,
  ctx: Pick<RequestContext, 'ip'>,
  ready: Promise<void>,
): Promise<Principal> {
  if (typeof presented !== 'string' || !keyShape.test(presented)) throw new AuthError('UNAUTHENTICATED')
  await ready
  const now = core.clock.now()
  const entry = await runtime.lookup(hashToken(presented), now)
  if (!entry || (entry.key.expiresAt !== null && entry.key.expiresAt <= now))
    throw new AuthError('UNAUTHENTICATED')
  if (!allowedFrom(entry.ranges, ctx.ip))
    throw new AuthError('FORBIDDEN', 'This API key is not allowed from this address.')
  if (entry.user.status !== 'active') throw new AuthError('ACCOUNT_DISABLED')
  runtime.recordUse(entry.key.id, now)
  const { key, user } = entry
  return {
    user: { id: user.id, roles: [...user.roles] },
    userId: user.id,
    sessionId: key.id,
    tokenId: key.id,
    roles: [...user.roles],
    permissions: core.permissionsOf(user.roles),
    amr: [],
    authTime: 0,
    expiresAt: key.expiresAt ?? Number.POSITIVE_INFINITY,
    via: 'api-key',
    apiKey: { id: key.id, name: key.name, scopes: [...key.scopes] },
  }
}

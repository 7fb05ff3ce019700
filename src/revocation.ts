import type { Store } from './ports.js'
import type { RevocationRecord } from './types.js'

/** How long a gap in the feed's sequence is waited for (a transaction that committed late) before it is skipped. */
const GAP_PATIENCE_MS = 30_000

/**
 * An in-memory copy of the revocation feed, so checking an access token costs no database round trip.
 * Revocations made by this process apply at once; those of other processes arrive by polling the
 * store's feed every `pollIntervalMs` (or instantly through a shared cache such as Redis).
 *
 * Sequence numbers can commit out of order on Postgres and MySQL, and rolled-back inserts leave gaps,
 * so the cache re-reads from the lowest sequence it may still be missing, for up to 30 seconds.
 */
export class RevocationCache {
  readonly #sessions = new Map<string, number>()
  readonly #jtis = new Map<string, number>()
  readonly #users = new Map<string, { minVersion: number; expiresAt: number }>()
  /** API keys by SHA-256: a deleted key, or the old hash of a rotated one. */
  readonly #apiKeys = new Map<string, number>()
  readonly #seen = new Set<number>()
  /** Every seq up to here has been applied (or given up on). */
  #floor = 0
  #firstGapSeenAt: number | null = null
  #synced = false

  /** Applies feed records (idempotent). */
  apply(records: readonly RevocationRecord[] | readonly Omit<RevocationRecord, 'seq'>[]): void {
    for (const r of records) {
      if ('seq' in r) this.#seen.add(r.seq)
      if (r.kind === 'session')
        this.#sessions.set(r.subject, Math.max(r.expiresAt, this.#sessions.get(r.subject) ?? 0))
      else if (r.kind === 'jti') this.#jtis.set(r.subject, r.expiresAt)
      else if (r.kind === 'api-key')
        this.#apiKeys.set(r.subject, Math.max(r.expiresAt, this.#apiKeys.get(r.subject) ?? 0))
      else {
        const prev = this.#users.get(r.subject)
        const minVersion = Math.max(r.minVersion ?? 0, prev?.minVersion ?? 0)
        this.#users.set(r.subject, { minVersion, expiresAt: Math.max(r.expiresAt, prev?.expiresAt ?? 0) })
      }
    }
  }

  /** True when a token with these claims has been revoked. */
  isRevoked(claims: { sid: string; jti: string; sub: string; ver: number }): boolean {
    if (this.#sessions.has(claims.sid) || this.#jtis.has(claims.jti)) return true
    const user = this.#users.get(claims.sub)
    return user !== undefined && claims.ver < user.minVersion
  }

  /**
   * True when an API key looked up earlier must not be used any more: the key (by hash) was deleted or
   * rotated, or its user's tokens below `version` were revoked (a block or a role change).
   */
  isApiKeyRevoked(key: { keyHash: string; userId: string; version: number }): boolean {
    if (this.#apiKeys.has(key.keyHash)) return true
    const user = this.#users.get(key.userId)
    return user !== undefined && key.version < user.minVersion
  }

  /** Reads what the feed gained since the last sync and forgets what has expired. */
  async sync(store: Store, now: number): Promise<void> {
    const records = await store.listRevocations(this.#floor, now)
    // The first read sees everything still alive; older seqs were purged, so start right below the oldest.
    if (!this.#synced && records.length > 0) this.#floor = Math.min(...records.map((r) => r.seq)) - 1
    this.#synced = true
    this.apply(records)
    this.#advanceFloor(records, now)
    this.#prune(now)
  }

  #advanceFloor(records: readonly RevocationRecord[], now: number): void {
    while (this.#seen.delete(this.#floor + 1)) this.#floor++
    if (this.#seen.size === 0) {
      this.#firstGapSeenAt = null
      return
    }
    // A later seq is visible but an earlier one is not (yet): wait a while for it, then move on.
    this.#firstGapSeenAt ??= Math.min(now, ...records.map((r) => r.createdAt))
    if (now - this.#firstGapSeenAt > GAP_PATIENCE_MS) {
      this.#floor = Math.min(...this.#seen)
      this.#seen.delete(this.#floor)
      this.#firstGapSeenAt = null
      this.#advanceFloor([], now)
    }
  }

  #prune(now: number): void {
    for (const [k, exp] of this.#sessions) if (exp <= now) this.#sessions.delete(k)
    for (const [k, exp] of this.#jtis) if (exp <= now) this.#jtis.delete(k)
    for (const [k, exp] of this.#apiKeys) if (exp <= now) this.#apiKeys.delete(k)
    for (const [k, v] of this.#users) if (v.expiresAt <= now) this.#users.delete(k)
  }
}

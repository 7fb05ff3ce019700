/**
 * Store operations for administration (user listing), API keys and known devices; `Store` extends this
 * interface. Every MUST below is tested by the contract suite (`src/testing/store-contract-admin.ts`).
 */
import type { ApiKeyRecord, ApiKeyUsage, DeviceSighting, UserQuery, UserRecord } from './types.js'

/** The admin, API-key and known-device operations of a store. */
export interface AdminStore {
  /**
   * Users matching the query, newest first (`createdAt` then `id` descending). `search` matches a
   * case-insensitive substring of the normalised email or of the name, with `%` and `_` taken literally;
   * an unknown cursor yields an empty page.
   */
  listUsers(query: UserQuery): Promise<UserRecord[]>

  /** Inserts an API key. Key hashes are unique: a duplicate hash MUST fail and write nothing. */
  createApiKey(key: ApiKeyRecord): Promise<void>
  /** The key with this SHA-256, revoked and expired ones included (the caller judges them); null if none. */
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null>
  /** One key by id, revoked ones included; null if none. */
  findApiKey(id: string): Promise<ApiKeyRecord | null>
  /** The user's keys that are not revoked (expired ones included), newest first. */
  listApiKeys(userId: string): Promise<ApiKeyRecord[]>
  /**
   * Marks the key revoked if and only if it belongs to `userId` and is not revoked yet; returns whether this
   * call revoked it. Of concurrent callers exactly one MUST get true.
   */
  revokeApiKey(userId: string, id: string, now: number): Promise<boolean>
  /**
   * Compare-and-set rotation: if and only if key `id` belongs to `userId`, is not revoked, and still has the
   * hash `currentHash`, replace its hash and prefix, set `rotatedAt = now`, and return the updated key;
   * otherwise change nothing and return null. Of concurrent callers with the same `currentHash` exactly one
   * MUST receive the key; the old hash MUST NOT be found afterwards.
   */
  rotateApiKey(input: {
    userId: string
    id: string
    currentHash: string
    nextHash: string
    nextPrefix: string
    now: number
  }): Promise<ApiKeyRecord | null>
  /**
   * Adds each entry's `count` to its key's `usageCount` and moves `lastUsedAt` forward to the entry's (never
   * back). Increments MUST NOT be lost between concurrent callers. Unknown ids are ignored.
   */
  recordApiKeyUsage(batch: readonly ApiKeyUsage[]): Promise<void>

  /**
   * Records that the device `fingerprint` (a keyed hash of a device label and an IP prefix) signed in to
   * `userId` at `now`. Answers `known` when the pair was on record (its last sighting moves to `now`), else
   * records it and answers `first` when it is now the user's only device and `new` otherwise. Of concurrent
   * callers with the same pair exactly one MUST get an answer other than `known`.
   */
  recordDeviceSighting(userId: string, fingerprint: string, now: number): Promise<DeviceSighting>
}

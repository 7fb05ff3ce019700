import type { LockoutSettings, LockoutState } from '../../src/policy/lockout.js'
import type {
  ApiKeyRecord,
  AuditEvent,
  BackupCodeRecord,
  IdentityRecord,
  OneTimeTokenRecord,
  OutboxRecord,
  RefreshTokenRecord,
  RevocationRecord,
  SessionRecord,
  TotpRecord,
  TrustedDeviceRecord,
  UserRecord,
} from '../../src/types.js'

/** Everything one memory store holds; replaced wholesale when a transaction rolls back. */
export interface MemoryState {
  users: Map<string, UserRecord>
  /** emailNormalized → user id: the unique index. */
  userIdByEmail: Map<string, string>
  sessions: Map<string, SessionRecord>
  refreshTokens: Map<string, RefreshTokenRecord>
  /** tokenHash → refresh token id. */
  refreshIdByHash: Map<string, string>
  oneTimeTokens: Map<string, OneTimeTokenRecord>
  audit: AuditEvent[]
  outbox: Map<string, OutboxRecord>
  revocations: RevocationRecord[]
  lastSeq: number
  rateLogs: Map<string, { hits: number[]; expiresAt: number }>
  lockouts: Map<string, { state: LockoutState; expiresAt: number }>
  /** userId → the user's TOTP factor. */
  totp: Map<string, TotpRecord>
  /** id → backup code. */
  backupCodes: Map<string, BackupCodeRecord>
  /** id → trusted device. */
  trustedDevices: Map<string, TrustedDeviceRecord>
  apiKeys: Map<string, ApiKeyRecord>
  /** keyHash → API key id: the unique index. */
  apiKeyIdByHash: Map<string, string>
  /** userId → device fingerprint → sightings. */
  knownDevices: Map<string, Map<string, { firstSeenAt: number; lastSeenAt: number }>>
  /** id → identity linked at an external provider. */
  identities: Map<string, IdentityRecord>
}

/** A mutable reference to the current state, so a rollback can swap the whole state at once. */
export interface StateHolder {
  state: MemoryState
}

/** An empty state. */
export function emptyState(): MemoryState {
  return {
    users: new Map(),
    userIdByEmail: new Map(),
    sessions: new Map(),
    refreshTokens: new Map(),
    refreshIdByHash: new Map(),
    oneTimeTokens: new Map(),
    audit: [],
    outbox: new Map(),
    revocations: [],
    lastSeq: 0,
    rateLogs: new Map(),
    lockouts: new Map(),
    totp: new Map(),
    backupCodes: new Map(),
    trustedDevices: new Map(),
    apiKeys: new Map(),
    apiKeyIdByHash: new Map(),
    knownDevices: new Map(),
    identities: new Map(),
  }
}

/** A deep copy, so callers never share objects with the stored state (and the state never with them). */
export function copy<T>(value: T): T {
  return structuredClone(value)
}

/**
 * When a lockout row stops mattering and may be purged: once its window and its lock are both over
 * (plus the longest lock in progressive mode, so a key's lock count is not forgotten too early).
 */
export function lockoutExpiresAt(state: LockoutState, settings: Readonly<LockoutSettings>): number {
  const end = Math.max(state.windowStartedAt + settings.windowMs, state.lockedUntil ?? 0)
  return settings.progressive ? end + settings.maxLockMs : end
}

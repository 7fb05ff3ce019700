import type { ColumnType } from 'kysely'

/**
 * Row types of portcullis' tables. Timestamps are integer milliseconds since the epoch; Postgres returns
 * its `bigint` as a string, so reads accept strings and the row mappers convert.
 */
export type MillisColumn = ColumnType<number | string | bigint, number, number>
/** A nullable millisecond timestamp. */
export type NullableMillisColumn = ColumnType<number | string | bigint | null, number | null, number | null>
/** A small integer counter. */
export type IntColumn = ColumnType<number | string | bigint, number, number>
/** A boolean: `boolean` on Postgres and MySQL, 0/1 on SQLite. */
export type BoolColumn = ColumnType<boolean | number, boolean | number, boolean | number>

/** `pc_users`: accounts; `email_normalized` is unique. `roles` is a JSON array in text. */
export interface UsersTable {
  id: string
  email: string
  email_normalized: string
  name: string | null
  password_hash: string | null
  email_verified_at: NullableMillisColumn
  roles: string
  status: string
  token_version: IntColumn
  locale: string | null
  mfa_enabled: BoolColumn
  created_at: MillisColumn
  updated_at: MillisColumn
}

/** `pc_sessions`: one signed-in device each. `amr` is a JSON array in text. */
export interface SessionsTable {
  id: string
  user_id: string
  created_at: MillisColumn
  last_used_at: MillisColumn
  expires_at: MillisColumn
  revoked_at: NullableMillisColumn
  revoked_reason: string | null
  ip: string | null
  user_agent: string | null
  remember_me: BoolColumn
  amr: string
  auth_time: MillisColumn
}

/** `pc_refresh_tokens`: refresh tokens by SHA-256 (`token_hash` is unique). */
export interface RefreshTokensTable {
  id: string
  session_id: string
  user_id: string
  token_hash: string
  state: string
  created_at: MillisColumn
  expires_at: MillisColumn
  rotated_at: NullableMillisColumn
  successor_id: string | null
  successor_sealed: string | null
}

/** `pc_one_time_tokens`: single-use tokens by SHA-256. `data` is JSON in text (or null). */
export interface OneTimeTokensTable {
  token_hash: string
  kind: string
  user_id: string
  created_at: MillisColumn
  expires_at: MillisColumn
  consumed_at: NullableMillisColumn
  data: string | null
}

/** `pc_audit_events`: the audit log. `meta` is JSON in text. */
export interface AuditEventsTable {
  id: string
  type: string
  user_id: string | null
  actor_id: string | null
  ip: string | null
  user_agent: string | null
  at: MillisColumn
  meta: string
}

/** `pc_outbox`: queued mails, content sealed. */
export interface OutboxTable {
  id: string
  to: string
  to_normalized: string
  kind: string
  sealed: string
  status: string
  attempts: IntColumn
  next_attempt_at: MillisColumn
  created_at: MillisColumn
  sent_at: NullableMillisColumn
  last_error: string | null
}

/** `pc_revocations`: the revocation feed; `seq` is assigned by the database. */
export interface RevocationsTable {
  seq: ColumnType<number | string | bigint, never, never>
  kind: string
  subject: string
  min_version: ColumnType<number | string | bigint | null, number | null, number | null>
  expires_at: MillisColumn
  created_at: MillisColumn
}

/** `pc_rate_logs`: one sliding log per key; `hits` is a JSON array of milliseconds. */
export interface RateLogsTable {
  key: string
  hits: string
  /** When the newest hit leaves the window: the row may be purged from then on. */
  expires_at: MillisColumn
}

/** `pc_lockouts`: login-failure state per key. A row with `failures = 0` holds no state yet. */
export interface LockoutsTable {
  key: string
  failures: IntColumn
  window_started_at: MillisColumn
  locked_until: NullableMillisColumn
  lock_count: IntColumn
  expires_at: MillisColumn
}

/** `pc_api_keys`: API keys by SHA-256 (`key_hash` is unique). `scopes` and `allowed_ips` are JSON arrays in text. */
export interface ApiKeysTable {
  id: string
  user_id: string
  name: string
  prefix: string
  key_hash: string
  scopes: string
  allowed_ips: string
  expires_at: NullableMillisColumn
  created_at: MillisColumn
  last_used_at: NullableMillisColumn
  usage_count: IntColumn
  rotated_at: NullableMillisColumn
  revoked_at: NullableMillisColumn
}

/** `pc_known_devices`: devices seen signing in, one row per (user, keyed hash of device label and IP prefix). */
export interface KnownDevicesTable {
  user_id: string
  fingerprint: string
  first_seen_at: MillisColumn
  last_seen_at: MillisColumn
}

/** `pc_mfa`: one TOTP factor per user; `secret_sealed` is AES-GCM sealed, `last_step` guards against replay. */
export interface MfaTable {
  user_id: string
  secret_sealed: string
  enabled_at: NullableMillisColumn
  last_step: ColumnType<number | string | bigint | null, number | null, number | null>
  created_at: MillisColumn
}

/** `pc_backup_codes`: one row per backup code, stored as a keyed hash. */
export interface BackupCodesTable {
  id: string
  user_id: string
  code_hash: string
  created_at: MillisColumn
  used_at: NullableMillisColumn
}

/** `pc_trusted_devices`: browsers that may skip MFA, by SHA-256 of their token (`token_hash` is unique). */
export interface TrustedDevicesTable {
  id: string
  user_id: string
  token_hash: string
  created_at: MillisColumn
  last_used_at: MillisColumn
  expires_at: MillisColumn
  user_agent: string | null
  ip: string | null
}

/**
 * `pc_identities`: accounts at external providers linked to users; unique on (provider, subject) and on
 * (user_id, provider).
 */
export interface IdentitiesTable {
  id: string
  user_id: string
  provider: string
  subject: string
  email: string | null
  email_verified: BoolColumn
  created_at: MillisColumn
  last_used_at: MillisColumn
}

/** Every table portcullis owns, all prefixed `pc_`. */
export interface PortcullisDatabase {
  pc_users: UsersTable
  pc_sessions: SessionsTable
  pc_refresh_tokens: RefreshTokensTable
  pc_one_time_tokens: OneTimeTokensTable
  pc_audit_events: AuditEventsTable
  pc_outbox: OutboxTable
  pc_revocations: RevocationsTable
  pc_rate_logs: RateLogsTable
  pc_lockouts: LockoutsTable
  pc_mfa: MfaTable
  pc_backup_codes: BackupCodesTable
  pc_trusted_devices: TrustedDevicesTable
  pc_api_keys: ApiKeysTable
  pc_known_devices: KnownDevicesTable
  pc_identities: IdentitiesTable
}

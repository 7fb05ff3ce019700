import type { Selectable } from 'kysely'
import type {
  AuditEvent,
  AuditEventType,
  MailKind,
  OneTimeTokenKind,
  OneTimeTokenRecord,
  OutboxRecord,
  RefreshTokenRecord,
  RevocationKind,
  RevocationRecord,
  SessionRecord,
  UserRecord,
  UserStatus,
} from '../../src/types.js'
import { boolValue, type SqlDialect } from './dialect.js'
import type {
  AuditEventsTable,
  OneTimeTokensTable,
  OutboxTable,
  RefreshTokensTable,
  RevocationsTable,
  SessionsTable,
  UsersTable,
} from './schema.js'

type Num = number | string | bigint

/** A number from a driver value (Postgres returns `bigint` columns as strings). */
export const num = (value: Num): number => Number(value)
/** A nullable number from a driver value. */
export const numOrNull = (value: Num | null): number | null => (value === null ? null : Number(value))
const bool = (value: boolean | number): boolean => value === true || value === 1

/** Row ↔ record conversions for one dialect. */
export function rowMappers(dialect: SqlDialect) {
  const b = (value: boolean) => boolValue(dialect, value)
  return {
    userRow: (u: UserRecord) => ({
      id: u.id,
      email: u.email,
      email_normalized: u.emailNormalized,
      name: u.name,
      password_hash: u.passwordHash,
      email_verified_at: u.emailVerifiedAt,
      roles: JSON.stringify(u.roles),
      status: u.status,
      token_version: u.tokenVersion,
      locale: u.locale,
      mfa_enabled: b(u.mfaEnabled),
      created_at: u.createdAt,
      updated_at: u.updatedAt,
    }),
    sessionRow: (s: SessionRecord) => ({
      id: s.id,
      user_id: s.userId,
      created_at: s.createdAt,
      last_used_at: s.lastUsedAt,
      expires_at: s.expiresAt,
      revoked_at: s.revokedAt,
      revoked_reason: s.revokedReason,
      ip: s.ip,
      user_agent: s.userAgent,
      remember_me: b(s.rememberMe),
      amr: JSON.stringify(s.amr),
      auth_time: s.authTime,
    }),
    bool: b,
  }
}

/** The row of a refresh token. */
export const refreshTokenRow = (t: RefreshTokenRecord) => ({
  id: t.id,
  session_id: t.sessionId,
  user_id: t.userId,
  token_hash: t.tokenHash,
  state: t.state,
  created_at: t.createdAt,
  expires_at: t.expiresAt,
  rotated_at: t.rotatedAt,
  successor_id: t.successorId,
  successor_sealed: t.successorSealed,
})

/** The row of a one-time token. */
export const oneTimeTokenRow = (t: OneTimeTokenRecord) => ({
  token_hash: t.tokenHash,
  kind: t.kind,
  user_id: t.userId,
  created_at: t.createdAt,
  expires_at: t.expiresAt,
  consumed_at: t.consumedAt,
  data: t.data === null ? null : JSON.stringify(t.data),
})

/** The row of an audit event. */
export const auditRow = (e: AuditEvent) => ({
  id: e.id,
  type: e.type,
  user_id: e.userId,
  actor_id: e.actorId,
  ip: e.ip,
  user_agent: e.userAgent,
  at: e.at,
  meta: JSON.stringify(e.meta),
})

/** The row of a queued mail. */
export const outboxRow = (m: OutboxRecord) => ({
  id: m.id,
  to: m.to,
  to_normalized: m.toNormalized,
  kind: m.kind,
  sealed: m.sealed,
  status: m.status,
  attempts: m.attempts,
  next_attempt_at: m.nextAttemptAt,
  created_at: m.createdAt,
  sent_at: m.sentAt,
  last_error: m.lastError,
})

/** A user from its row. */
export const toUser = (r: Selectable<UsersTable>): UserRecord => ({
  id: r.id,
  email: r.email,
  emailNormalized: r.email_normalized,
  name: r.name,
  passwordHash: r.password_hash,
  emailVerifiedAt: numOrNull(r.email_verified_at),
  roles: JSON.parse(r.roles),
  status: r.status as UserStatus,
  tokenVersion: num(r.token_version),
  locale: r.locale,
  mfaEnabled: bool(r.mfa_enabled),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
})

/** A session from its row. */
export const toSession = (r: Selectable<SessionsTable>): SessionRecord => ({
  id: r.id,
  userId: r.user_id,
  createdAt: num(r.created_at),
  lastUsedAt: num(r.last_used_at),
  expiresAt: num(r.expires_at),
  revokedAt: numOrNull(r.revoked_at),
  revokedReason: r.revoked_reason,
  ip: r.ip,
  userAgent: r.user_agent,
  rememberMe: bool(r.remember_me),
  amr: JSON.parse(r.amr),
  authTime: num(r.auth_time),
})

/** A refresh token from its row. */
export const toRefreshToken = (r: Selectable<RefreshTokensTable>): RefreshTokenRecord => ({
  id: r.id,
  sessionId: r.session_id,
  userId: r.user_id,
  tokenHash: r.token_hash,
  state: r.state as RefreshTokenRecord['state'],
  createdAt: num(r.created_at),
  expiresAt: num(r.expires_at),
  rotatedAt: numOrNull(r.rotated_at),
  successorId: r.successor_id,
  successorSealed: r.successor_sealed,
})

/** A one-time token from its row. */
export const toOneTimeToken = (r: Selectable<OneTimeTokensTable>): OneTimeTokenRecord => ({
  tokenHash: r.token_hash,
  kind: r.kind as OneTimeTokenKind,
  userId: r.user_id,
  createdAt: num(r.created_at),
  expiresAt: num(r.expires_at),
  consumedAt: numOrNull(r.consumed_at),
  data: r.data === null ? null : JSON.parse(r.data),
})

/** An audit event from its row. */
export const toAuditEvent = (r: Selectable<AuditEventsTable>): AuditEvent => ({
  id: r.id,
  type: r.type as AuditEventType,
  userId: r.user_id,
  actorId: r.actor_id,
  ip: r.ip,
  userAgent: r.user_agent,
  at: num(r.at),
  meta: JSON.parse(r.meta),
})

/** A queued mail from its row. */
export const toOutbox = (r: Selectable<OutboxTable>): OutboxRecord => ({
  id: r.id,
  to: r.to,
  toNormalized: r.to_normalized,
  kind: r.kind as MailKind,
  sealed: r.sealed,
  status: r.status as OutboxRecord['status'],
  attempts: num(r.attempts),
  nextAttemptAt: num(r.next_attempt_at),
  createdAt: num(r.created_at),
  sentAt: numOrNull(r.sent_at),
  lastError: r.last_error,
})

/** A revocation-feed entry from its row. */
export const toRevocation = (r: Selectable<RevocationsTable>): RevocationRecord => ({
  seq: num(r.seq),
  kind: r.kind as RevocationKind,
  subject: r.subject,
  minVersion: numOrNull(r.min_version),
  expiresAt: num(r.expires_at),
  createdAt: num(r.created_at),
})

/**
 * The ports portcullis talks to. Every store passes the contract suite in `portcullis/testing`;
 * each MUST below is tested there, with races of many concurrent callers.
 */
import type { LockoutSettings, LockoutState, LockoutDecision } from './policy/lockout.js'
import type { RateDecision, RateRule } from './policy/rate-limit.js'
import type { AdminStore } from './ports-admin.js'
import type { MfaStore } from './ports-mfa.js'
import type { OAuthStore } from './ports-oauth.js'
import type {
  AuditEvent,
  AuditQuery,
  MailKind,
  OneTimeTokenKind,
  OneTimeTokenRecord,
  OutboxRecord,
  RefreshTokenRecord,
  RevocationRecord,
  SessionRecord,
  UserPatch,
  UserRecord,
} from './types.js'

/** A refresh token with its session and user, as `Store.findRefreshContext` reads them. */
export interface RefreshContext {
  token: RefreshTokenRecord
  session: SessionRecord | null
  user: UserRecord | null
}

/** Durable state: users, sessions, refresh tokens, one-time tokens, audit, outbox, revocation feed. */
export interface Store extends RateStore, MfaStore, AdminStore, OAuthStore {
  /**
   * Runs `fn` in one transaction: every write through `tx` commits together or not at all.
   * Stores without real transactions MUST serialise `fn` against all other writes and undo its writes
   * when it throws.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>

  /**
   * Inserts a user. Returns false, writing nothing, when `emailNormalized` is taken. Of concurrent
   * callers with the same normalised email exactly one MUST get true.
   */
  createUser(user: UserRecord): Promise<boolean>
  findUserById(id: string): Promise<UserRecord | null>
  /** Looks a user up by trimmed, lower-cased email. */
  findUserByEmail(emailNormalized: string): Promise<UserRecord | null>
  /**
   * Applies `patch`, sets `updatedAt`, returns the updated user (null when unknown). A patch that would
   * give two users one normalised email MUST fail (the unique index) and change nothing.
   */
  updateUser(id: string, patch: UserPatch, now: number): Promise<UserRecord | null>
  /** Atomically increments the user's token version and returns the new one. */
  incrementTokenVersion(userId: string, now: number): Promise<number>

  /** Inserts a session together with its first refresh token. */
  createSession(session: SessionRecord, token: RefreshTokenRecord): Promise<void>
  findSession(id: string): Promise<SessionRecord | null>
  /** The user's sessions that are neither revoked nor past `expiresAt`, newest first. */
  listActiveSessions(userId: string, now: number): Promise<SessionRecord[]>
  /** Marks a session revoked; true when it was not revoked before. */
  revokeSession(id: string, reason: string, now: number): Promise<boolean>
  /** Revokes every unrevoked session of a user, except `exceptSessionId`; returns the ids revoked. */
  revokeUserSessions(userId: string, reason: string, now: number, exceptSessionId?: string): Promise<string[]>

  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null>
  /**
   * Optional: the refresh token with this hash, its session and its user in one read, for stores where a
   * round trip costs more than the join. MUST equal `findRefreshToken`, `findSession(token.sessionId)` and
   * `findUserById(token.userId)`; null when no token has the hash. Without it the refresh flow reads the three.
   */
  findRefreshContext?(tokenHash: string): Promise<RefreshContext | null>
  findRefreshTokenById(id: string): Promise<RefreshTokenRecord | null>
  /**
   * Compare-and-set rotation: if and only if token `currentId` is still `active`, mark it `rotated`
   * (with `rotatedAt = now`, `successorId = next.id`, `successorSealed`), insert `next`, and set the
   * session's `lastUsedAt = now`; return true. Otherwise change nothing and return false.
   * Of concurrent callers rotating the same token exactly one MUST get true.
   */
  rotateRefreshToken(input: {
    currentId: string
    next: RefreshTokenRecord
    successorSealed: string | null
    now: number
  }): Promise<boolean>

  /**
   * Stores a one-time token. With `replaceExisting`, unconsumed tokens of the same kind and user are
   * voided (marked consumed, so they still count for throttling) in the same atomic step: a new reset
   * link voids the older ones.
   */
  createOneTimeToken(token: OneTimeTokenRecord, options: { replaceExisting: boolean }): Promise<void>
  /**
   * Marks the token consumed and returns it, if and only if it exists with this kind, is unconsumed,
   * and `expiresAt > now`; otherwise returns null and changes nothing. Of concurrent callers exactly
   * one MUST receive the record.
   */
  consumeOneTimeToken(
    tokenHash: string,
    kind: OneTimeTokenKind,
    now: number,
  ): Promise<OneTimeTokenRecord | null>
  /** Reads a token without consuming it (to tell "expired" from "unknown or used"). */
  findOneTimeToken(tokenHash: string): Promise<OneTimeTokenRecord | null>
  /** Counts tokens of a kind created for a user since `since` (resend throttling). */
  countOneTimeTokens(userId: string, kind: OneTimeTokenKind, since: number): Promise<number>

  appendAudit(event: AuditEvent): Promise<void>
  /**
   * Audit events matching the query, newest first (`at` then `id` descending). `from` and `to` are
   * inclusive; an empty `types` list filters nothing; an unknown cursor yields an empty page.
   */
  listAudit(query: AuditQuery): Promise<AuditEvent[]>

  /** Queues a mail for the outbox worker. */
  enqueueMail(mail: OutboxRecord): Promise<void>
  /**
   * Claims up to `limit` pending mails due at `now` by moving their `nextAttemptAt` to `now + leaseMs`.
   * A mail MUST be handed to at most one concurrent caller per lease.
   */
  claimDueMails(now: number, limit: number, leaseMs: number): Promise<OutboxRecord[]>
  /** Records the outcome of one send attempt. `status: 'pending'` schedules a retry at `nextAttemptAt`. */
  settleMail(
    id: string,
    outcome: {
      status: 'sent' | 'pending' | 'dead'
      attempts: number
      nextAttemptAt: number
      error: string | null
    },
    now: number,
  ): Promise<void>
  /** Mails to one normalised address, newest first (development mail view). */
  listMailsTo(toNormalized: string, limit: number): Promise<OutboxRecord[]>

  /** Appends to the revocation feed; the store assigns `seq`. */
  appendRevocation(revocation: Omit<RevocationRecord, 'seq'>): Promise<void>
  /** Feed entries with `seq > afterSeq` and `expiresAt > now`, in `seq` order. */
  listRevocations(afterSeq: number, now: number): Promise<RevocationRecord[]>

  /**
   * Deletes what has expired: sessions past their end with their refresh tokens, one-time tokens,
   * revocation entries, rate logs and lockout rows whose windows are over; audit rows older than
   * `auditBefore`; sent or dead outbox mail created before `mailBefore` (when given); and clears sealed
   * replay successors of tokens rotated before `sealedBefore`. Safe to run on several instances at once.
   * Returns how many rows each kind lost.
   */
  purgeExpired(input: {
    now: number
    auditBefore: number
    sealedBefore: number
    mailBefore?: number
  }): Promise<Record<string, number>>

  /** Creates or upgrades the store's tables; `auth.migrate()` calls it. Stores without a schema omit it. */
  migrate?(): Promise<void>
  /** Releases connections the store opened itself (not a client the host passed in). */
  close?(): Promise<void>
}

/** Hot counters: rate-limit logs and login-failure state. Redis can serve these beside a SQL store. */
export interface RateStore {
  /**
   * Applies the sliding-log decision (`rateLimitDecision` from the policies) to the log under `key`
   * and stores the pruned log. Of concurrent callers on one key with a limit of N, at most N MUST be
   * allowed per window: the read and the write are one atomic step.
   */
  hitRateLimit(key: string, rule: RateRule, now: number): Promise<RateDecision>
  /** The lockout state under `key`, if any. */
  getLockout(key: string): Promise<LockoutState | undefined>
  /**
   * Applies `registerFailure` from the policies to the state under `key` atomically: N concurrent
   * failures MUST leave a count of exactly N, and each caller gets the decision of its own increment.
   */
  registerLoginFailure(
    key: string,
    settings: LockoutSettings,
    now: number,
  ): Promise<{ state: LockoutState; decision: LockoutDecision; lockedNow: boolean }>
  /** Forgets the lockout state under `key` (success or admin unlock). */
  clearLockout(key: string): Promise<void>
}

/**
 * Carries revocations between processes at once (Redis pub/sub, say). Without one, other processes
 * learn of revocations by polling the store's feed (`revocation.pollIntervalMs`).
 */
export interface RevocationChannel {
  /** Announces revocations that have just been committed to the store. */
  publish(revocations: Omit<RevocationRecord, 'seq'>[]): Promise<void>
  /** Calls `listener` with every announcement (its own included); returns a function that unsubscribes. */
  subscribe(listener: (revocations: Omit<RevocationRecord, 'seq'>[]) => void): Promise<() => Promise<void>>
}

/** The source of time; tests pass a fake one. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

/** The source of randomness; MUST be cryptographically secure outside tests. */
export interface Random {
  bytes(length: number): Uint8Array
}

/** Structured logging. Fields never contain secrets: portcullis never passes tokens or passwords. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/** A rendered mail, handed to the host's mailer. */
export interface Mail {
  to: string
  subject: string
  text: string
  html: string
  kind: MailKind
  locale: string
}

/** Sends one mail. A rejection means "try again later": the outbox retries with backoff. */
export interface Mailer {
  send(mail: Mail): Promise<void>
}

/** Domain records as the core sees them. Timestamps are milliseconds since the epoch (UTC). */

/** An account's standing: only `active` accounts may sign in or use tokens. */
export type UserStatus = 'active' | 'blocked' | 'deactivated'

/** A stored account. `emailNormalized` (trimmed, lower-cased) is unique; `email` is kept as typed. */
export interface UserRecord {
  id: string
  email: string
  emailNormalized: string
  name: string | null
  /** argon2id PHC string; null for accounts without a password (e.g. provider sign-in only). */
  passwordHash: string | null
  emailVerifiedAt: number | null
  roles: string[]
  status: UserStatus
  /** Bumped by logout-all and password changes: access tokens carrying an older version are refused. */
  tokenVersion: number
  locale: string | null
  mfaEnabled: boolean
  createdAt: number
  updatedAt: number
}

/** The fields of a user that flows may change. */
export type UserPatch = Partial<
  Pick<
    UserRecord,
    | 'email'
    | 'emailNormalized'
    | 'name'
    | 'passwordHash'
    | 'emailVerifiedAt'
    | 'roles'
    | 'status'
    | 'locale'
    | 'mfaEnabled'
  >
>

/** A signed-in device: one refresh-token family. */
export interface SessionRecord {
  id: string
  userId: string
  createdAt: number
  lastUsedAt: number
  /** Absolute end of the session; refresh tokens never outlive it. */
  expiresAt: number
  revokedAt: number | null
  revokedReason: string | null
  ip: string | null
  userAgent: string | null
  rememberMe: boolean
  /** Authentication methods used at sign-in (RFC 8176 values: `pwd`, `otp`, …). */
  amr: string[]
  /** When the user last proved a factor in this session (step-up checks read it). */
  authTime: number
}

/** One refresh token of a session's family, stored only as its SHA-256. */
export interface RefreshTokenRecord {
  id: string
  sessionId: string
  userId: string
  tokenHash: string
  state: 'active' | 'rotated' | 'revoked'
  createdAt: number
  expiresAt: number
  rotatedAt: number | null
  successorId: string | null
  /** The successor's plaintext, sealed (AES-GCM), kept only for the replay grace window. */
  successorSealed: string | null
}

/** What a one-time token is for; a token of one kind is never accepted as another. */
export type OneTimeTokenKind = 'verify-email' | 'password-reset' | 'email-change' | 'mfa-pending'

/** A single-use token, stored only as its SHA-256. */
export interface OneTimeTokenRecord {
  tokenHash: string
  kind: OneTimeTokenKind
  userId: string
  createdAt: number
  expiresAt: number
  consumedAt: number | null
  /** Kind-specific data (the new email of an email change, …); never a secret in plaintext. */
  data: Record<string, unknown> | null
}

/** The audit event types portcullis records. */
export type AuditEventType =
  | 'register'
  | 'register.duplicate'
  | 'email.verify'
  | 'login.success'
  | 'login.failure'
  | 'lockout'
  | 'unlock'
  | 'logout'
  | 'logout.all'
  | 'session.revoke'
  | 'refresh.reuse'
  | 'password.change'
  | 'password.reset.request'
  | 'password.reset'
  | 'email.change.request'
  | 'email.change'
  | 'mfa.enable'
  | 'mfa.disable'
  | 'mfa.backup_code.used'
  | 'mfa.trusted_device.add'
  | 'mfa.trusted_device.remove'
  | 'role.change'
  | 'user.block'
  | 'user.unblock'
  | 'api_key.create'
  | 'api_key.rotate'
  | 'api_key.revoke'
  | 'identity.link'
  | 'identity.unlink'

/** One audit-log row. `meta` never holds a secret. */
export interface AuditEvent {
  id: string
  type: AuditEventType
  userId: string | null
  actorId: string | null
  ip: string | null
  userAgent: string | null
  at: number
  meta: Record<string, unknown>
}

/** Filters for reading the audit log, newest first, with an opaque cursor. */
export interface AuditQuery {
  userId?: string
  types?: AuditEventType[]
  from?: number
  to?: number
  limit: number
  /** The `id` of the last event of the previous page. */
  cursor?: string
}

/** The kinds of mail portcullis sends. */
export type MailKind =
  | 'verify-email'
  | 'already-registered'
  | 'password-reset'
  | 'password-changed'
  | 'email-change-confirm'
  | 'email-changed-notice'
  | 'lockout-notice'
  | 'new-sign-in'
  | 'refresh-reuse'
  | 'backup-code-used'

/** A queued mail. The rendered content is sealed because links carry one-time tokens. */
export interface OutboxRecord {
  id: string
  to: string
  toNormalized: string
  kind: MailKind
  /** AES-GCM sealed JSON `{subject, text, html, locale}`. */
  sealed: string
  status: 'pending' | 'sent' | 'dead'
  attempts: number
  nextAttemptAt: number
  createdAt: number
  sentAt: number | null
  lastError: string | null
}

/**
 * What a revocation applies to: a session, every token of a user below a version, one access token, or
 * one API key (its subject is the key's SHA-256, so a rotated key's successor is not refused with it).
 */
export type RevocationKind = 'session' | 'user' | 'jti' | 'api-key'

/** One entry of the revocation feed that every instance follows to refuse revoked access tokens. */
export interface RevocationRecord {
  /** Increasing sequence number assigned by the store. */
  seq: number
  kind: RevocationKind
  subject: string
  /** For `user`: tokens with a version below this are refused. */
  minVersion: number | null
  /** After this instant no access token it could refuse is still alive; it may be purged. */
  expiresAt: number
  createdAt: number
}

/** A stored API key. The key itself is never stored: only its SHA-256 and its first characters. */
export interface ApiKeyRecord {
  id: string
  userId: string
  name: string
  /** The key's first 11 characters (`pk_` and 8 more), enough for a person to recognise it in a list. */
  prefix: string
  /** SHA-256 of the whole key, base64url; unique. */
  keyHash: string
  scopes: string[]
  /** Addresses and CIDR ranges the key may be used from; empty: anywhere. */
  allowedIps: string[]
  /** Null: the key does not expire. */
  expiresAt: number | null
  createdAt: number
  lastUsedAt: number | null
  usageCount: number
  /** When the key was last rotated (its hash replaced); null if never. */
  rotatedAt: number | null
  /** Set when the key was deleted: it never authenticates again. */
  revokedAt: number | null
}

/** Uses of one API key counted in memory since the last flush. */
export interface ApiKeyUsage {
  id: string
  /** How many requests the key authenticated. */
  count: number
  /** The latest of those requests. */
  lastUsedAt: number
}

/** What a device sign-in resolved to: the user's first device ever, another new one, or one seen before. */
export type DeviceSighting = 'first' | 'new' | 'known'

/** Filters for listing users (admin), newest first, with an opaque cursor. */
export interface UserQuery {
  /** Case-insensitive substring of the email or the name. */
  search?: string
  limit: number
  /** The `id` of the last user of the previous page. */
  cursor?: string
}

/** A user's TOTP factor: pending from setup until a code confirms it, then enabled. */
export interface TotpRecord {
  userId: string
  /** The base32 secret, sealed with `box.seal(secret, 'totp:' + userId)`: never stored in plaintext. */
  secretSealed: string
  /** When a confirming code enabled it; null while only set up. */
  enabledAt: number | null
  /** The time step of the last accepted code (replay guard); null when none was accepted yet. */
  lastStep: number | null
  createdAt: number
}

/** One backup code, stored only as a keyed hash (HMAC with a server secret). */
export interface BackupCodeRecord {
  id: string
  userId: string
  codeHash: string
  createdAt: number
  /** When it was spent; null while unused. */
  usedAt: number | null
}

/** A browser that may skip the second factor at login, until `expiresAt`; its token is stored as SHA-256. */
export interface TrustedDeviceRecord {
  id: string
  userId: string
  tokenHash: string
  createdAt: number
  lastUsedAt: number
  expiresAt: number
  userAgent: string | null
  ip: string | null
}

/**
 * An account at an external identity provider, linked to a user. Unique on (provider, subject), and on
 * (userId, provider): a user links at most one account per provider.
 */
export interface IdentityRecord {
  id: string
  userId: string
  /** The provider's name in the `oauth.providers` config (`google`, `github`, …). */
  provider: string
  /** The provider's stable id for the account: the OIDC `sub`, GitHub's numeric user id. */
  subject: string
  /** The email the provider reported at the last sign-in; null when it reported none. */
  email: string | null
  /** Whether the provider said it verified `email`. */
  emailVerified: boolean
  createdAt: number
  lastUsedAt: number
}

/** What linking an identity did: linked, or refused because the identity or the user's slot is taken. */
export type LinkIdentityResult = 'linked' | 'identity-taken' | 'provider-taken'

/** What unlinking an identity did; `last-method` refuses to leave an account with no way to sign in. */
export type UnlinkIdentityResult = 'unlinked' | 'not-found' | 'last-method'

import type { LockoutSettings } from '../policy/lockout.js'
import type { Store } from '../ports.js'
import type {
  AuditEvent,
  OneTimeTokenRecord,
  OutboxRecord,
  RefreshTokenRecord,
  SessionRecord,
  UserRecord,
} from '../types.js'

/** The fixed instant every record of the store contract is dated from. */
export const t0 = Date.UTC(2026, 0, 1)
const second = 1_000
/** One minute in milliseconds. */
export const minute = 60 * second
/** One hour in milliseconds. */
export const hour = 60 * minute

/** An active, unverified user with a password, created at `t0`. */
export const user = (id: string, email: string, overrides: Partial<UserRecord> = {}): UserRecord => ({
  id,
  email,
  emailNormalized: email.trim().toLowerCase(),
  name: 'Ada Lovelace',
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
  emailVerifiedAt: null,
  roles: ['user', 'editor'],
  status: 'active',
  tokenVersion: 0,
  locale: null,
  mfaEnabled: false,
  createdAt: t0,
  updatedAt: t0,
  ...overrides,
})

/** A live remember-me session started at `t0`, expiring 30 days later. */
export const session = (
  id: string,
  userId: string,
  overrides: Partial<SessionRecord> = {},
): SessionRecord => ({
  id,
  userId,
  createdAt: t0,
  lastUsedAt: t0,
  expiresAt: t0 + 30 * 24 * hour,
  revokedAt: null,
  revokedReason: null,
  ip: '203.0.113.7',
  userAgent: null,
  rememberMe: true,
  amr: ['pwd', 'otp'],
  authTime: t0,
  ...overrides,
})

/** An active refresh token of session `s`, hashed as `hash-<id>`, expiring 7 days after `t0`. */
export const refresh = (
  id: string,
  s: SessionRecord,
  overrides: Partial<RefreshTokenRecord> = {},
): RefreshTokenRecord => ({
  id,
  sessionId: s.id,
  userId: s.userId,
  tokenHash: `hash-${id}`,
  state: 'active',
  createdAt: t0,
  expiresAt: t0 + 7 * 24 * hour,
  rotatedAt: null,
  successorId: null,
  successorSealed: null,
  ...overrides,
})

/** An unconsumed password-reset token created at `t0`, expiring an hour later. */
export const oneTime = (
  tokenHash: string,
  userId: string,
  overrides: Partial<OneTimeTokenRecord> = {},
): OneTimeTokenRecord => ({
  tokenHash,
  kind: 'password-reset',
  userId,
  createdAt: t0,
  expiresAt: t0 + hour,
  consumedAt: null,
  data: null,
  ...overrides,
})

/** A `login.success` audit event of user `u1` at `at`, with nested meta. */
export const audit = (id: string, at: number, overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  id,
  type: 'login.success',
  userId: 'u1',
  actorId: null,
  ip: null,
  userAgent: 'test-agent',
  at,
  meta: { method: 'pwd', nested: { n: 1, ok: true } },
  ...overrides,
})

/** A pending verify-email mail to Ada, due at `t0`. */
export const mail = (id: string, overrides: Partial<OutboxRecord> = {}): OutboxRecord => ({
  id,
  to: 'Ada@Example.com',
  toNormalized: 'ada@example.com',
  kind: 'verify-email',
  sealed: `sealed-${id}`,
  status: 'pending',
  attempts: 0,
  nextAttemptAt: t0,
  createdAt: t0,
  sentAt: null,
  lastError: null,
  ...overrides,
})

/** Non-progressive lockout settings: `threshold` failures in 30 minutes lock for 30 minutes. */
export const lockout = (threshold: number, overrides: Partial<LockoutSettings> = {}): LockoutSettings => ({
  threshold,
  windowMs: 30 * minute,
  lockMs: 30 * minute,
  progressive: false,
  maxLockMs: 24 * hour,
  ...overrides,
})

/** The results of `fn(0)` … `fn(n - 1)`, in order. */
export const times = <T>(n: number, fn: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => fn(i))

/**
 * Writes a session with its first refresh token `<sessionId>-r0` into `store`, creating the user
 * `<userId>@example.com` first when it does not exist yet.
 */
export const withSession = async (
  store: Store,
  sessionId = 's1',
  userId = 'u1',
  overrides: Partial<SessionRecord> = {},
): Promise<{ session: SessionRecord; token: RefreshTokenRecord }> => {
  if (!(await store.findUserById(userId))) await store.createUser(user(userId, `${userId}@example.com`))
  const s = session(sessionId, userId, overrides)
  const token = refresh(`${sessionId}-r0`, s)
  await store.createSession(s, token)
  return { session: s, token }
}

import type { AdminAuth } from './auth-types-admin.js'
import type { MfaAuth } from './auth-types-mfa.js'
import type { OAuthAuth } from './auth-types-oauth.js'
import type { CaptchaSettings } from './captcha/settings.js'
import type { AuthSettings } from './config.js'
import type { JwkSet } from './crypto/key-ring.js'
import type { OutboxMailView } from './mail/outbox.js'
import type { PasswordRule } from './policy/password.js'
import type { Clock, Logger, Random, RateStore, Store } from './ports.js'
import type { AuditEvent } from './types.js'

/** Facts about the request a flow runs for; the HTTP layer fills them in. */
export interface RequestContext {
  /** The client IP as resolved with `trustProxy`; null when unknown (in-process calls). */
  ip: string | null
  userAgent: string | null
  requestId?: string
  /** Preferred locale (from Accept-Language) for mails to a user without one on record. */
  locale?: string
}

/** A user as shown to that user: no hash, no internal counters. */
export interface PublicUser {
  id: string
  email: string
  name: string | null
  emailVerified: boolean
  roles: string[]
  mfaEnabled: boolean
  /** ISO 8601 UTC with milliseconds. */
  createdAt: string
}

/** Who made an authenticated request. */
export interface Principal {
  /** What the access token says about the user; no database read is made per request. */
  user: { id: string; roles: string[] }
  userId: string
  /** The session the access token belongs to. */
  sessionId: string
  /** The access token's `jti`. */
  tokenId: string
  roles: string[]
  /** Permissions granted by the roles (`*` expanded to `['*']`). */
  permissions: string[]
  /** RFC 8176 methods of the sign-in (`pwd`, `otp`, …). */
  amr: string[]
  /** Seconds since the epoch of the last factor check. */
  authTime: number
  /** Access-token expiry, milliseconds since the epoch (an API key's expiry, or never: `Infinity`). */
  expiresAt: number
  /** How the request authenticated. An API key never passes a step-up check (`authTime` 0, `amr` empty). */
  via: 'access-token' | 'api-key'
  /** Set when `via` is `api-key`: the key (`sessionId` and `tokenId` are its id) and what it may do. */
  apiKey?: { id: string; name: string; scopes: string[] }
}

/** Tokens issued by login, refresh and password change. */
export interface IssuedTokens {
  user: PublicUser
  sessionId: string
  accessToken: string
  /** Seconds the access token lives. */
  expiresIn: number
  accessTokenExpiresAt: number
  refreshToken: string
  refreshTokenExpiresAt: number
  /** False: the refresh cookie must be a browser-session cookie. */
  rememberMe: boolean
}

/** The outcome of a password login. */
export type LoginResult =
  | { type: 'tokens'; tokens: IssuedTokens }
  | { type: 'mfa'; mfaToken: string; methods: string[] }

/** One session as its owner sees it. */
export interface SessionView {
  id: string
  current: boolean
  createdAt: string
  lastUsedAt: string
  expiresAt: string
  ip: string | null
  userAgent: string | null
  /** A label read from the User-Agent: "Firefox on Linux". */
  device: string
}

/** The published password policy (GET /password-policy). */
export interface PasswordPolicyView {
  minLength: number
  maxLength: number
  rules: PasswordRule[]
}

/** The value `createAuth` returns: every flow, plus what the HTTP layer needs. */
export interface Auth extends AdminAuth, MfaAuth, OAuthAuth {
  readonly settings: AuthSettings
  readonly store: Store
  readonly rateStore: RateStore
  readonly clock: Clock
  readonly random: Random
  readonly logger: Logger
  /** The captcha check of register, login and forgot-password (`captcha` config); null without one. */
  readonly captcha: CaptchaSettings | null

  /** Creates or upgrades the store's tables. */
  migrate(): Promise<void>
  /** Stops background work (revocation polling, mail worker) so the process can exit. */
  close(): Promise<void>

  register(
    input: { email: string; password: string; name?: string },
    ctx: RequestContext,
  ): Promise<{ status: 'verification_sent' }>
  verifyEmail(token: string, ctx: RequestContext): Promise<{ status: 'verified' }>
  resendVerification(email: string, ctx: RequestContext): Promise<{ status: 'sent_if_exists' }>
  /** With MFA on, answers a challenge unless `trustedDeviceToken` (the `<p>device` cookie) is trusted. */
  login(
    input: { email: string; password: string; rememberMe?: boolean; trustedDeviceToken?: string },
    ctx: RequestContext,
  ): Promise<LoginResult>
  refresh(refreshToken: string, ctx: RequestContext): Promise<IssuedTokens>
  /** Resolves an access token to its principal; throws UNAUTHENTICATED, TOKEN_EXPIRED or ACCOUNT_DISABLED. */
  authenticate(accessToken: string): Promise<Principal>
  logout(principal: Principal, ctx: RequestContext): Promise<void>
  logoutAll(principal: Principal, ctx: RequestContext): Promise<void>
  me(principal: Principal): Promise<PublicUser>
  listSessions(principal: Principal): Promise<SessionView[]>
  revokeSession(principal: Principal, sessionId: string, ctx: RequestContext): Promise<void>
  requestPasswordReset(email: string, ctx: RequestContext): Promise<{ status: 'sent_if_exists' }>
  resetPassword(
    input: { token: string; password: string },
    ctx: RequestContext,
  ): Promise<{ status: 'password_reset' }>

  /**
   * Creates or updates an account directly (seeding, admin tooling, the demo's admin user): sets the
   * password (policy-checked), roles and verification, and returns the user. Audited as actor `system`.
   */
  provisionUser(input: {
    email: string
    password: string
    name?: string
    roles?: string[]
    verified?: boolean
  }): Promise<PublicUser>

  /** Changes the password after re-authentication; ends every session and returns fresh tokens for this one. */
  changePassword(
    principal: Principal,
    input: { currentPassword: string; newPassword: string; code?: string },
    ctx: RequestContext,
  ): Promise<IssuedTokens>
  /** Mails a confirmation link to a new address (and a notice to the old one) after re-authentication. */
  requestEmailChange(
    principal: Principal,
    input: { newEmail: string; password: string },
    ctx: RequestContext,
  ): Promise<{ status: 'verification_sent' }>
  /** Switches to the new address with the link's token. */
  confirmEmailChange(principal: Principal, token: string, ctx: RequestContext): Promise<PublicUser>

  passwordPolicy(): PasswordPolicyView
  /** The public JWKS; null when only symmetric keys are configured. */
  jwks(): JwkSet | null
  /** Signs and checks CSRF tokens (the HTTP layer's double submit). */
  csrf: { issue(): string; verify(token: string): boolean }
  /** The mail outbox: a periodic worker (`start`/`stop`), a one-shot run for cron, and the mails to an address. */
  outbox: {
    runOnce(): Promise<void>
    start(intervalMs?: number): void
    stop(): Promise<void>
    listTo(to: string, limit?: number): Promise<OutboxMailView[]>
  }
  /**
   * The cleanup of expired tokens, sessions, counters and revocation entries, and of audit rows past
   * retention: `start()` runs it hourly, `runOnce()` is for cron. Safe on several instances at once.
   */
  housekeeping: {
    runOnce(): Promise<Record<string, number>>
    start(intervalMs?: number): void
    stop(): void
  }
  /** Records an audit event (the HTTP layer records nothing itself; exported for host code). */
  audit(event: Omit<AuditEvent, 'id' | 'at'>): Promise<void>
}

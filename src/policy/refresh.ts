/** Lifetimes of refresh tokens and sessions, and the replay grace after a rotation. */
export interface RefreshSettings {
  /** Sliding lifetime of a refresh token when "remember me" is on. */
  idleTtlMs: number
  /** Absolute lifetime of a session when "remember me" is on; no rotation extends it. */
  absoluteTtlMs: number
  /** Lifetime of both token and session when "remember me" is off. */
  shortIdleTtlMs: number
  /** How long after a rotation the immediate parent may be presented again and get the same successor; 0 disables. */
  graceMs: number
}

/** What the refresh policy needs to know about the presented token. */
export interface RefreshTokenView {
  /** `active` until used once (`rotated`) or revoked. */
  state: 'active' | 'rotated' | 'revoked'
  /** When this token stops being accepted (ms since epoch, exclusive). */
  expiresAt: number
  /** When this token was rotated (ms since epoch), or null if it never was. */
  rotatedAt: number | null
  /** Whether the successor issued at this token's rotation is itself still active (unused and unrevoked). */
  successorActive: boolean
}

/** What the refresh policy needs to know about the token's session (token family). */
export interface RefreshSessionView {
  /** When the session was revoked (ms since epoch), or null. */
  revokedAt: number | null
  /** The absolute end of the session (ms since epoch, exclusive). */
  expiresAt: number
}

/** What to do with a presented refresh token. */
export type RefreshDecision =
  /** Active and unexpired: issue a successor whose sliding expiry is capped by the session's absolute end. */
  | { type: 'rotate'; nextExpiresAt: number }
  /** The immediate parent of the active token, presented again within graceMs of its rotation: same successor. */
  | { type: 'replay' }
  /** Any other presentation of a rotated token: revoke the whole session. */
  | { type: 'reuse' }
  /** Revoked token or revoked session. */
  | { type: 'invalid' }
  /** Token or session past its expiry. */
  | { type: 'expired' }

const hour = 60 * 60_000
const day = 24 * hour

/** The defaults of security-defaults.md: 30 days sliding, 90 days absolute, 24 h without "remember me", 10 s grace. */
export const defaultRefreshSettings: Readonly<RefreshSettings> = Object.freeze({
  idleTtlMs: 30 * day,
  absoluteTtlMs: 90 * day,
  shortIdleTtlMs: 24 * hour,
  graceMs: 10_000,
})

function idleTtlMs(settings: Readonly<RefreshSettings>, rememberMe: boolean): number {
  return rememberMe ? settings.idleTtlMs : settings.shortIdleTtlMs
}

/** The expiries of the first refresh token of a new session and of the session itself. */
export function initialRefreshExpiry(
  settings: Readonly<RefreshSettings>,
  rememberMe: boolean,
  now: number,
): { tokenExpiresAt: number; sessionExpiresAt: number } {
  // Without "remember me" the session is meant to end with the browser session; the cookie has no Max-Age and the
  // server caps the whole session at shortIdleTtlMs, so a stolen cookie jar is not good for 90 days.
  const sessionExpiresAt = now + (rememberMe ? settings.absoluteTtlMs : settings.shortIdleTtlMs)
  const tokenExpiresAt = Math.min(now + idleTtlMs(settings, rememberMe), sessionExpiresAt)
  return { tokenExpiresAt, sessionExpiresAt }
}

/**
 * Decides what a refresh request gets; the caller MUST apply a `rotate` with one atomic conditional write
 * (active → rotated), so that of N parallel refreshes exactly one rotates and the others see a rotated token.
 */
export function refreshDecision(
  token: RefreshTokenView,
  session: RefreshSessionView,
  settings: Readonly<RefreshSettings>,
  rememberMe: boolean,
  now: number,
): RefreshDecision {
  // Revocation wins over everything: a revoked family must never yield a token again, expired or not.
  if (session.revokedAt !== null || token.state === 'revoked') return { type: 'invalid' }
  // Expiry is exclusive: at expiresAt the token or session is already dead.
  if (now >= session.expiresAt || now >= token.expiresAt) return { type: 'expired' }
  if (token.state === 'rotated') return rotatedDecision(token, settings, now)
  return { type: 'rotate', nextExpiresAt: Math.min(now + idleTtlMs(settings, rememberMe), session.expiresAt) }
}

function rotatedDecision(
  token: RefreshTokenView,
  settings: Readonly<RefreshSettings>,
  now: number,
): RefreshDecision {
  // The grace exists for parallel tabs and lost responses: the legitimate client retries within seconds with the
  // token it just rotated. It applies only to the immediate parent (its successor must still be active: if the
  // successor was itself used, the parent is two generations old and can only be a copy) and only for graceMs.
  // Anything else means two parties hold the same family, and we cannot tell which is the thief, so the
  // whole session is revoked (OAuth 2.0 Security BCP, refresh token rotation).
  const inGrace =
    settings.graceMs > 0 &&
    token.rotatedAt !== null &&
    now - token.rotatedAt <= settings.graceMs &&
    token.successorActive
  return inGrace ? { type: 'replay' } : { type: 'reuse' }
}

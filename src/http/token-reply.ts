import type { IssuedTokens, LoginResult, Principal } from '../auth-types.js'
import type { JsonValue, Reply, RouteContext } from './types.js'

type AnyContext = RouteContext<unknown, Principal | null>

/**
 * The answer carrying freshly issued tokens: in cookie transport they go only into HttpOnly cookies (a script
 * that can read the body, an XSS included, never sees them); in bearer transport only into the body.
 */
export function tokensReply(c: AnyContext, tokens: IssuedTokens, extra: Record<string, JsonValue>): Reply {
  const body: Record<string, JsonValue> = { ...extra, tokenType: 'Bearer', expiresIn: tokens.expiresIn }
  if (c.transport === 'cookie') c.setCookie(...c.cookies.tokens(tokens, c.auth.clock.now()))
  else {
    body.accessToken = tokens.accessToken
    body.refreshToken = tokens.refreshToken
  }
  return { status: 200, body }
}

/** The answer of a password login: tokens with the user, or the MFA challenge. */
export function loginReply(c: AnyContext, result: LoginResult): Reply {
  if (result.type === 'mfa')
    return { status: 200, body: { mfaRequired: true, mfaToken: result.mfaToken, methods: result.methods } }
  return tokensReply(c, result.tokens, { user: toJson(result.tokens.user) })
}

/** Logout answers: 204, the auth cookies expired with their own Paths, Clear-Site-Data when configured. */
export function loggedOutReply(c: AnyContext): Reply {
  c.setCookie(...c.cookies.clearTokens())
  const headers: Record<string, string> = c.auth.settings.http.cookies.clearSiteData
    ? { 'Clear-Site-Data': '"cookies"' }
    : {}
  return { status: 204, body: null, headers }
}

/** A flow's plain data record as a JSON value. */
export function toJson<T extends object>(value: T): JsonValue {
  return value as unknown as JsonValue
}

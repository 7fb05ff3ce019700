import { z } from 'zod'
import type { IssuedTokens, Principal } from '../auth-types.js'
import { type AuthErrorCode, statusOf } from '../errors.js'
import type { ErrorFormatter } from './errors.js'
import { errorHeaders } from './errors.js'
import type { Reply, RouteContext } from './types.js'

/**
 * The form of `POST /token` (RFC 6749 §4.3 password grant, §6 refresh grant). Client authentication
 * (`client_id`/`client_secret`, or HTTP Basic) is accepted and ignored: no clients are configured.
 */
export const tokenRequestSchema = z.object({
  grant_type: z.string().min(1).max(64),
  username: z.string().min(1).max(254).optional(),
  password: z.string().min(1).max(1024).optional(),
  refresh_token: z.string().min(1).max(512).optional(),
  scope: z.string().max(1024).optional(),
  client_id: z.string().max(512).optional(),
  client_secret: z.string().max(512).optional(),
})

type TokenRequest = z.output<typeof tokenRequestSchema>

// RFC 6749 §5.1: token responses must not be cached; Pragma for HTTP/1.0 caches.
const noCache = { Pragma: 'no-cache' }

/** The RFC 6749 §5.1 success body. */
function tokenResponse(tokens: IssuedTokens): Reply {
  const body = {
    access_token: tokens.accessToken,
    token_type: 'Bearer',
    expires_in: tokens.expiresIn,
    refresh_token: tokens.refreshToken,
  }
  return { status: 200, body, headers: noCache }
}

function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description }, headers: noCache }
}

/** Runs one grant of `POST /token`; flow errors are mapped by `oauthErrorFormatter`. */
export async function tokenEndpoint(c: RouteContext<TokenRequest, Principal | null>): Promise<Reply> {
  const form = c.body
  if (form.grant_type === 'password') {
    if (form.username === undefined || form.password === undefined)
      return oauthError(400, 'invalid_request', 'username and password are required')
    const result = await c.auth.login({ email: form.username, password: form.password }, c.context)
    // The token endpoint has no second step: an MFA account must sign in through /login and /login/mfa.
    if (result.type === 'mfa') return oauthError(400, 'invalid_grant', 'mfa_required')
    return tokenResponse(result.tokens)
  }
  if (form.grant_type === 'refresh_token') {
    if (form.refresh_token === undefined)
      return oauthError(400, 'invalid_request', 'refresh_token is required')
    return tokenResponse(await c.auth.refresh(form.refresh_token, c.context))
  }
  return oauthError(400, 'unsupported_grant_type', 'grant_type must be password or refresh_token')
}

/** Codes that mean "this grant cannot be honoured" (RFC 6749 §5.2 invalid_grant); the reason goes in the description. */
const grantCodes = new Set<AuthErrorCode>([
  'INVALID_CREDENTIALS',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_REUSED',
  'ACCOUNT_LOCKED',
  'EMAIL_NOT_VERIFIED',
  'ACCOUNT_DISABLED',
  'MFA_INVALID',
])

/**
 * `/token` speaks RFC 6749 §5.2 throughout: `{error, error_description}`. Grant failures are 400
 * `invalid_grant` with the snake-case reason (a locked account keeps its Retry-After); a rate limit stays 429
 * with its headers; transport-level refusals keep their status with `invalid_request`.
 */
export const oauthErrorFormatter: ErrorFormatter = (error, _surface, _requestId) => {
  const reason = error.code.toLowerCase()
  let reply: Reply
  if (grantCodes.has(error.code)) reply = oauthError(400, 'invalid_grant', reason)
  else if (error.code === 'INTERNAL') reply = oauthError(500, 'server_error', reason)
  else if (error.code === 'UNAVAILABLE') reply = oauthError(503, 'temporarily_unavailable', reason)
  else if (error.code === 'VALIDATION_FAILED')
    reply = oauthError(400, 'invalid_request', validationText(error.details))
  else reply = oauthError(statusOf(error.code), 'invalid_request', reason)
  return { ...reply, headers: { ...reply.headers, ...errorHeaders(error, reply.status) } }
}

/** A short description of the first invalid parameter, in the characters RFC 6749 allows there. */
function validationText(details: unknown): string {
  const first = Array.isArray(details) ? (details[0] as { path?: unknown } | undefined) : undefined
  const path = typeof first?.path === 'string' && /^[a-z_]{1,32}$/.test(first.path) ? first.path : null
  return path === null ? 'invalid_request' : `invalid or missing parameter: ${path}`
}

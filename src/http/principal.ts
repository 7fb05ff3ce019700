import type { Auth, Principal } from '../auth-types.js'
import { AuthError } from '../errors.js'
import { hasScope } from '../policy/rbac.js'
import type { AuthRequest, Transport } from './types.js'

/**
 * Chooses the transport of a request (http-contract.md, Conventions): `X-Auth-Transport` decides; without it a
 * request carrying the csrf cookie (a browser that called GET /csrf) is cookie transport, any other bearer.
 * A transport the host turned off is refused when asked for, and never chosen by default.
 */
export function chooseTransport(
  req: AuthRequest,
  enabled: { cookie: boolean; bearer: boolean },
  csrfCookieName: string,
): Transport {
  const asked = req.headers['x-auth-transport']
  if (asked !== undefined) {
    // Exactly `bearer` or `cookie` (http-contract.md): a typo must not silently pick a transport.
    if ((asked === 'cookie' || asked === 'bearer') && enabled[asked]) return asked
    throw new AuthError('VALIDATION_FAILED', 'X-Auth-Transport must be "bearer" or "cookie".', {
      details: [{ path: 'X-Auth-Transport', message: `must be one of: ${enabledList(enabled)}` }],
    })
  }
  if (!enabled.bearer) return 'cookie'
  if (!enabled.cookie) return 'bearer'
  return req.cookies[csrfCookieName] !== undefined ? 'cookie' : 'bearer'
}

function enabledList(enabled: { cookie: boolean; bearer: boolean }): string {
  return (['bearer', 'cookie'] as const).filter((t) => enabled[t]).join(', ')
}

/**
 * The access token of a request: the access cookie in cookie transport, `Authorization: Bearer` in bearer
 * transport. Cookies are never read in bearer transport: a cookie is ambient, and only the CSRF check of
 * cookie transport makes ambient credentials safe.
 */
export function accessTokenOf(
  req: AuthRequest,
  transport: Transport,
  accessCookieName: string,
): string | null {
  if (transport === 'cookie') return req.cookies[accessCookieName] || null
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(req.headers.authorization ?? '')
  return match?.[1] ?? null
}

const credentialErrors = new WeakSet<AuthError>()

/**
 * True for an error raised while checking the request's access token. Such token errors are 401 (an expired
 * access token is 401 TOKEN_EXPIRED, so a client knows a refresh may help) with a Bearer challenge, unlike the
 * same codes for a one-time token in a body (400).
 */
export function isCredentialError(error: AuthError): boolean {
  return credentialErrors.has(error)
}

/**
 * Resolves the principal of a request, or throws UNAUTHENTICATED / TOKEN_EXPIRED / ACCOUNT_DISABLED. Where
 * `apiKey` allows it, an `X-API-Key` header authenticates instead of the access token (FORBIDDEN outside the
 * key's `allowedIps`); elsewhere the header is ignored, so a key alone is UNAUTHENTICATED there. A key is only
 * ever read from that header, never from the query string or a cookie.
 */
export async function authenticateRequest(
  auth: Auth,
  req: AuthRequest,
  transport: Transport,
  accessCookieName: string,
  options: { apiKey?: boolean; ip?: string | null } = {},
): Promise<Principal> {
  const apiKey = options.apiKey ? req.headers['x-api-key'] : undefined
  const token = apiKey === undefined ? accessTokenOf(req, transport, accessCookieName) : null
  try {
    if (apiKey !== undefined) {
      if (apiKey.length > 256) throw new AuthError('UNAUTHENTICATED')
      return await auth.authenticateApiKey(apiKey.trim(), { ip: options.ip ?? null })
    }
    // A length cap before any parsing: a JWT of ours is well under 4 KiB.
    if (token === null || token.length > 8192) throw new AuthError('UNAUTHENTICATED')
    return await auth.authenticate(token)
  } catch (thrown) {
    if (thrown instanceof AuthError) credentialErrors.add(thrown)
    throw thrown
  }
}

/** A role requirement: any one of the roles. */
export type RoleRequirement = readonly string[]
/** A permission requirement: one permission, any of several, or all of several. */
export type PermissionRequirement = string | { anyOf: readonly string[] } | { allOf: readonly string[] }

/** FORBIDDEN unless the principal holds at least one of `roles`. */
export function checkRoles(principal: Principal, roles: RoleRequirement): AuthError | null {
  return roles.some((r) => principal.roles.includes(r)) ? null : new AuthError('FORBIDDEN')
}

/**
 * FORBIDDEN when the request authenticated with an API key that lacks `scope`. A signed-in user (access token) is
 * not narrowed by scopes: they restrict what a key may do on its user's behalf.
 */
export function checkScope(principal: Principal, scope: string): AuthError | null {
  return hasScope(principal.apiKey?.scopes ?? null, scope)
    ? null
    : new AuthError('FORBIDDEN', 'The API key lacks the scope this route needs.')
}

/** FORBIDDEN unless the principal's permissions satisfy the requirement (`*` grants every permission). */
export function checkPermissions(principal: Principal, requirement: PermissionRequirement): AuthError | null {
  const has = (p: string) => principal.permissions.includes('*') || principal.permissions.includes(p)
  const ok =
    typeof requirement === 'string'
      ? has(requirement)
      : 'anyOf' in requirement
        ? requirement.anyOf.some(has)
        : requirement.allOf.every(has)
  return ok ? null : new AuthError('FORBIDDEN')
}

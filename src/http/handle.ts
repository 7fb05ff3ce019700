import type { Auth, Principal } from '../auth-types.js'
import { AuthError, type ErrorSurface } from '../errors.js'
import { parseBody } from './body.js'
import { clientIpResolver } from './client-ip.js'
import { cookieWriter } from './cookies.js'
import { originPolicy } from './cors.js'
import { checkCsrf, checkOrigin } from './csrf.js'
import { contractError, type ErrorFormatter, toAuthError } from './errors.js'
import { authenticateRequest, chooseTransport } from './principal.js'
import { enforceRateLimits } from './rate-limits.js'
import { matchPath, type Route } from './route-def.js'
import { routes as defaultRoutes } from './routes.js'
import { isSecureRequest, localeOf, requestIdOf, userAgentOf } from './request-meta.js'
import { securityHeaders } from './security-headers.js'
import type { AuthRequest, AuthResponse, Reply } from './types.js'
import { validate } from './validate.js'

/** Options of `createHandler`; tests and later features may pass another route table. */
export interface HandlerOptions {
  routes?: readonly Route[]
}

/** Answers one framework-neutral request; never throws. */
export type AuthHandler = (req: AuthRequest) => Promise<AuthResponse>

/**
 * The framework-neutral HTTP layer: route table, request id, security and CORS headers, body limits and
 * parsing, rate limits, transports, CSRF, authentication, and errors in the contract's shape. The adapters only
 * translate their framework's request and response to and from it.
 */
export function createHandler(auth: Auth, options: HandlerOptions = {}): AuthHandler {
  const table = options.routes ?? defaultRoutes
  const http = auth.settings.http
  const origins = originPolicy(auth.settings)
  const securityHeadersFor = securityHeaders(auth.settings, auth.random)
  const ips = clientIpResolver(http.trustProxy)
  const cookies = cookieWriter(auth.settings)

  let warnedUnknownIp = false
  /** The checks every route runs before its handler, in contract order; see each function for the why. */
  async function run(
    req: AuthRequest,
    route: Route,
    params: Record<string, string>,
    out: string[],
    requestId: string,
  ) {
    const ip = ips.clientIp(req.remoteAddress, req.headers['x-forwarded-for'])
    if (ip === null && !warnedUnknownIp) {
      // Without an address every client shares one rate-limit budget: one attacker could lock everyone out.
      warnedUnknownIp = true
      auth.logger.warn(
        'portcullis: the client IP is unknown; rate limits then share one budget (see the adapter docs)',
      )
    }
    const parsed = parseBody(req, route.body, http.bodyLimitBytes)
    // First, so every request to a limited route counts, and a limited login never reaches the password hash.
    await enforceRateLimits(auth, route.rateLimits, {
      ip,
      body: parsed.ok ? parsed.value : undefined,
      emailField: route.emailField,
    })
    checkOrigin(req, origins)
    const transport = chooseTransport(req, http.transports, cookies.names.csrf)
    checkCsrf(auth, req, transport, cookies.names.csrf)
    // Who is asking comes before what they sent: an unauthenticated request learns nothing about the body.
    const principal: Principal | null =
      route.auth === 'user'
        ? await authenticateRequest(auth, req, transport, cookies.names.access, { apiKey: route.apiKey, ip })
        : null
    if (!parsed.ok) throw parsed.error
    const body = route.schema === undefined ? {} : validate(route.schema, parsed.value)
    const context = {
      ip,
      userAgent: userAgentOf(req.headers['user-agent']),
      requestId,
      locale: localeOf(req.headers['accept-language']),
    }
    const setCookie = (...headers: string[]) => void out.push(...headers)
    return route.handler({ auth, req, body, params, transport, principal, context, cookies, setCookie })
  }

  /** Answers an OPTIONS request: a CORS preflight for allowed origins, `Allow` without an Origin. */
  function preflight(req: AuthRequest, methods: string[]): Reply {
    const origin = req.headers.origin
    if (origin === undefined)
      return { status: 204, body: null, headers: { Allow: [...methods, 'OPTIONS'].join(', ') } }
    if (!origins.allows(origin)) throw new AuthError('CSRF_FAILED', 'The request origin is not allowed.')
    return { status: 204, body: null, headers: origins.preflightHeaders(origin, methods) }
  }

  return async function handle(req) {
    const requestId = requestIdOf(req.headers['x-request-id'], auth.random)
    const common: Record<string, string> = {
      'Cache-Control': 'no-store',
      ...securityHeadersFor(isSecureRequest(req, ips)).headers,
      ...origins.responseHeaders(req.headers.origin),
      'X-Request-Id': requestId,
    }
    const setCookies: string[] = []
    let formatError: ErrorFormatter = contractError
    let surface: ErrorSurface = 'default'
    let reply: Reply
    try {
      const matches = matchPath(table, req.path)
      // A known path with another method is 404 like an unknown one: the contract has no 405 code.
      if (matches.length === 0) throw new AuthError('NOT_FOUND')
      const match = matches.find((m) => m.route.method === req.method)
      if (req.method === 'OPTIONS') reply = preflight(req, [...new Set(matches.map((m) => m.route.method))])
      else if (match === undefined) throw new AuthError('NOT_FOUND')
      else {
        formatError = match.route.formatError ?? contractError
        surface = match.route.surface
        reply = await run(req, match.route, match.params, setCookies, requestId)
      }
    } catch (thrown) {
      setCookies.length = 0
      reply = formatError(toAuthError(thrown, auth.logger, requestId), surface, requestId)
    }
    return toResponse(reply, common, setCookies)
  }
}

function toResponse(reply: Reply, common: Record<string, string>, setCookies: string[]): AuthResponse {
  const headers: Record<string, string | string[]> = { ...common, ...reply.headers }
  const body = reply.status === 204 ? null : (reply.body ?? null)
  if (body !== null) headers['Content-Type'] = 'application/json; charset=utf-8'
  if (setCookies.length > 0) headers['Set-Cookie'] = [...setCookies]
  return { status: reply.status, headers, body }
}

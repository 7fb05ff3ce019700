import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { Auth, Principal } from '../../src/auth-types.js'
import {
  type AuthResponse,
  createGuard,
  createThrottle,
  createHandler,
  type GuardRequirement,
  type PermissionRequirement,
  permissionRequirement,
  type RequestParts,
  readRequestBody,
  roleRequirement,
  scopeRequirement,
  serializeBody,
  toAuthRequest,
} from '../../src/http/index.js'

/** The context variables the guards set: `c.var.auth`. */
export type AuthVariables = { auth: Principal }
/** A Hono Env for apps using the guards: `new Hono<AuthEnv>()`. */
export type AuthEnv = { Variables: AuthVariables }

/** Where the socket facts come from on runtimes other than @hono/node-server. */
export interface HonoAuthOptions {
  /** The peer address of the connection; default: @hono/node-server's `c.env.incoming.socket`. */
  remoteAddress?: (c: Context) => string | undefined
  /** True when the connection is TLS; default: @hono/node-server's `c.env.incoming.socket.encrypted`. */
  secure?: (c: Context) => boolean
}

/** The Hono router and guards of one auth instance. */
export interface HonoAuth {
  /** Mount with `app.route('/auth', router)`. */
  router: Hono
  requireAuth(): MiddlewareHandler<AuthEnv>
  requireRole(...roles: string[]): MiddlewareHandler<AuthEnv>
  requirePermission(permission: PermissionRequirement): MiddlewareHandler<AuthEnv>
  /** As `requireAuth`, and 403 when the request's API key lacks `scope` (a signed-in user is not narrowed). */
  requireScope(scope: string): MiddlewareHandler<AuthEnv>
  /** The whole-API IP throttle (`rateLimits.global`): `app.use(throttle())` before your routes. */
  throttle(): MiddlewareHandler
}

function nodeSocket(c: Context): Partial<TLSSocket> | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined
  return env?.incoming?.socket as Partial<TLSSocket> | undefined
}

/**
 * On @hono/node-server: the request headers exactly as its Fetch `Headers` would combine them (names
 * lower-cased, repeats joined in order, values stripped of surrounding whitespace, HTTP/2
 * pseudo-headers left out), read from Node's raw headers without building that object, which cost more than the
 * rest of a guard. Undefined on other runtimes, which use `c.req.raw.headers`.
 */
function nodeHeaders(c: Context): Record<string, string> | undefined {
  const raw = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.rawHeaders
  if (raw === undefined) return undefined
  const headers: Record<string, string> = Object.create(null)
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string
    if (name.charCodeAt(0) === 58) continue
    const key = name.toLowerCase()
    const value = (raw[i + 1] as string).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '')
    const seen = headers[key]
    // Fetch's `Headers` (undici) joins repeated Cookie lines with "; " and every other repeat with ", ".
    headers[key] = seen === undefined ? value : `${seen}${key === 'cookie' ? '; ' : ', '}${value}`
  }
  return headers
}

function toResponse(response: AuthResponse): Response {
  const headers = new Headers()
  for (const [name, value] of Object.entries(response.headers)) {
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
  }
  return new Response(serializeBody(response), { status: response.status, headers })
}

/** Creates the Hono router and guards for `auth`. */
export function honoAuth(auth: Auth, options: HonoAuthOptions = {}): HonoAuth {
  const handle = createHandler(auth)
  const guard = createGuard(auth)
  const limitIp = createThrottle(auth)
  const limit = auth.settings.http.bodyLimitBytes
  const remoteAddress = options.remoteAddress ?? ((c: Context) => nodeSocket(c)?.remoteAddress)
  const secure = options.secure ?? ((c: Context) => nodeSocket(c)?.encrypted === true)

  const parts = (c: Context, url: string): RequestParts => ({
    method: c.req.method,
    url,
    headers: nodeHeaders(c) ?? c.req.raw.headers,
    remoteAddress: remoteAddress(c),
    secure: secure(c),
  })

  const router = new Hono()
  router.all('/*', async (c) => {
    const url = new URL(c.req.url)
    // routePath is the mounted pattern (`/auth/*`): what precedes the `*` is the mount point.
    const mount = c.req.routePath.replace(/\/?\*$/, '')
    const relative = `${url.pathname.slice(mount.length)}${url.search}`
    const body = await readRequestBody(c.req.raw.headers, c.req.raw.body, limit)
    return toResponse(await handle(toAuthRequest({ ...parts(c, relative), ...body })))
  })

  const guardFor = (requirement: GuardRequirement) =>
    createMiddleware<AuthEnv>(async (c, next) => {
      const url = new URL(c.req.url)
      const result = await guard(toAuthRequest(parts(c, `${url.pathname}${url.search}`)), requirement)
      if (!result.ok) return toResponse(result.response)
      c.set('auth', result.principal)
      await next()
    })

  return {
    router,
    throttle: () =>
      createMiddleware(async (c, next) => {
        const url = new URL(c.req.url)
        const refused = await limitIp(toAuthRequest(parts(c, `${url.pathname}${url.search}`)))
        if (refused) return toResponse(refused)
        await next()
      }),
    requireAuth: () => guardFor({}),
    requireRole: (...roles) => guardFor(roleRequirement(roles)),
    requirePermission: (permission) => guardFor(permissionRequirement(permission)),
    requireScope: (scope) => guardFor(scopeRequirement(scope)),
  }
}

import type { TLSSocket } from 'node:tls'
import { type NextFunction, type Request, type Response, Router } from 'express'
import type { Auth, Principal } from '../../src/auth-types.js'
import {
  type AuthResponse,
  createGuard,
  createThrottle,
  createHandler,
  type GuardRequirement,
  pageSecurityHeaders,
  type PermissionRequirement,
  permissionRequirement,
  type RequestParts,
  readRequestBody,
  roleRequirement,
  scopeRequirement,
  serializeBody,
  toAuthRequest,
} from '../../src/http/index.js'

declare global {
  namespace Express {
    interface Locals {
      /**
       * The authenticated principal, set by `requireAuth`/`requireRole`/`requirePermission`. Typed as
       * present because handlers that read it sit behind one of those guards.
       */
      auth: Principal
      /** The CSP nonce for inline scripts of a page served under `securityHeaders()`. */
      cspNonce?: string
    }
  }
}

/** The Express router and guards of one auth instance. */
export interface ExpressAuth {
  /** Mount with `app.use('/auth', router)`; reads bodies itself, so it needs no body parser before it. */
  router: Router
  requireAuth(): (req: Request, res: Response, next: NextFunction) => void
  requireRole(...roles: string[]): (req: Request, res: Response, next: NextFunction) => void
  requirePermission(
    permission: PermissionRequirement,
  ): (req: Request, res: Response, next: NextFunction) => void
  /** As `requireAuth`, and 403 when the request's API key lacks `scope` (a signed-in user is not narrowed). */
  requireScope(scope: string): (req: Request, res: Response, next: NextFunction) => void
  /** Sets the security headers on the host's own pages; the nonce is on `res.locals.cspNonce`. */
  securityHeaders(): (req: Request, res: Response, next: NextFunction) => void
  /** The whole-API IP throttle (`rateLimits.global`): `app.use(throttle())` before your routes. */
  throttle(): (req: Request, res: Response, next: NextFunction) => void
}

function parts(req: Request, url: string): RequestParts {
  return {
    method: req.method,
    url,
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress,
    secure: (req.socket as Partial<TLSSocket>).encrypted === true,
  }
}

function send(res: Response, response: AuthResponse): void {
  res.status(response.status)
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value)
  const body = serializeBody(response)
  if (body === null) res.end()
  else res.end(body)
}

/** A body an earlier middleware already consumed (a global express.json()), handed back as text. */
function consumedBody(req: Request): string | undefined {
  const body: unknown = req.body
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return body
  if (Buffer.isBuffer(body)) return body.toString('utf8')
  if (req.is('application/x-www-form-urlencoded'))
    return new URLSearchParams(body as Record<string, string>).toString()
  return JSON.stringify(body)
}

/** Creates the Express router and guards for `auth`. */
export function expressAuth(auth: Auth): ExpressAuth {
  const handle = createHandler(auth)
  const guard = createGuard(auth)
  const limitIp = createThrottle(auth)
  const pageHeaders = pageSecurityHeaders(auth)
  const limit = auth.settings.http.bodyLimitBytes
  const router = Router()

  router.use(async function portcullisRoutes(req: Request, res: Response, next: NextFunction) {
    try {
      const body = req.readableEnded
        ? { rawBody: consumedBody(req), bodyTooLarge: false }
        : await readRequestBody(req.headers, req, limit)
      send(res, await handle(toAuthRequest({ ...parts(req, req.url), ...body })))
    } catch (error) {
      next(error)
    }
  })

  const guardFor = (requirement: GuardRequirement, name: string) => {
    const middleware = async (req: Request, res: Response, next: NextFunction) => {
      try {
        const result = await guard(toAuthRequest(parts(req, req.originalUrl)), requirement)
        if (!result.ok) return send(res, result.response)
        res.locals.auth = result.principal
        next()
      } catch (error) {
        next(error)
      }
    }
    Object.defineProperty(middleware, 'name', { value: name })
    return middleware
  }

  return {
    router,
    requireAuth: () => guardFor({}, 'requireAuth'),
    requireRole: (...roles) => guardFor(roleRequirement(roles), 'requireRole'),
    requirePermission: (permission) => guardFor(permissionRequirement(permission), 'requirePermission'),
    requireScope: (scope) => guardFor(scopeRequirement(scope), 'requireScope'),
    throttle: () =>
      async function throttle(req: Request, res: Response, next: NextFunction) {
        try {
          const refused = await limitIp(toAuthRequest(parts(req, req.originalUrl)))
          if (refused) send(res, refused)
          else next()
        } catch (error) {
          next(error)
        }
      },
    securityHeaders: () =>
      function securityHeaders(req: Request, res: Response, next: NextFunction) {
        const { headers, nonce } = pageHeaders(toAuthRequest(parts(req, req.originalUrl)))
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
        res.locals.cspNonce = nonce
        next()
      },
  }
}

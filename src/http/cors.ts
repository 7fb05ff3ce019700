import type { AuthSettings } from '../config.js'

/** Request headers a browser may send cross-origin to the auth routes. */
const allowHeaders = 'Content-Type, Authorization, X-CSRF-Token, X-Auth-Transport, X-Request-Id, X-API-Key'
/** Response headers a cross-origin script may read. */
const exposeHeaders =
  'X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, WWW-Authenticate'

/** The origin allow-list shared by CORS and the CSRF `Origin` check. */
export interface OriginPolicy {
  /** True when `origin` (an `Origin` header value) is allowed; `null` never is. */
  allows(origin: string): boolean
  /** Headers for a response to a request from `origin` (none for a refused or absent origin, but `Vary`). */
  responseHeaders(origin: string | undefined): Record<string, string>
  /** Headers answering a preflight from an allowed origin for a path serving `methods`. */
  preflightHeaders(origin: string, methods: readonly string[]): Record<string, string>
}

/**
 * Builds the allow-list: `appUrl`'s origin, `http.cors.origins` (exact) and `http.cors.patterns` (regular
 * expressions matched against the whole origin). `*` with credentials is refused by config validation.
 */
export function originPolicy(settings: AuthSettings): OriginPolicy {
  const cors = settings.http.cors
  const exact = new Set([new URL(settings.appUrl).origin, ...cors.origins.filter((o) => o !== '*')])
  const any = cors.origins.includes('*') && !cors.credentials
  const patterns = cors.patterns.map((p) => new RegExp(`^(?:${p})$`))

  const allows = (origin: string): boolean => {
    // An opaque origin (sandboxed iframe, file:, some redirects) cannot be attributed to anyone: refused.
    if (origin === 'null' || origin.length > 2048) return false
    return any || exact.has(origin) || patterns.some((re) => re.test(origin))
  }

  const base = (origin: string): Record<string, string> => ({
    'Access-Control-Allow-Origin': any ? '*' : origin,
    ...(cors.credentials ? { 'Access-Control-Allow-Credentials': 'true' } : {}),
  })

  return {
    allows,
    responseHeaders(origin) {
      // Vary: Origin on every response, so a cache never serves one origin's CORS answer to another.
      if (origin === undefined || !allows(origin)) return { Vary: 'Origin' }
      return { ...base(origin), 'Access-Control-Expose-Headers': exposeHeaders, Vary: 'Origin' }
    },
    preflightHeaders(origin, methods) {
      return {
        ...base(origin),
        'Access-Control-Allow-Methods': [...methods, 'OPTIONS'].join(', '),
        'Access-Control-Allow-Headers': allowHeaders,
        'Access-Control-Max-Age': String(cors.maxAgeSeconds),
        Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      }
    },
  }
}

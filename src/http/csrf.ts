import type { Auth } from '../auth-types.js'
import { safeEqual } from '../crypto/tokens.js'
import { AuthError } from '../errors.js'
import type { OriginPolicy } from './cors.js'
import type { AuthRequest, Transport } from './types.js'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])
/** `Sec-Fetch-Site` values of requests a browser made from our own site or on the user's own initiative. */
const trustedFetchSites = new Set(['same-origin', 'same-site', 'none'])

/** True for methods that change state (POST, PUT, PATCH, DELETE and anything unknown). */
export function isUnsafeMethod(method: string): boolean {
  return !safeMethods.has(method)
}

/**
 * Refuses an unsafe request whose `Origin` is present and not allowed, whatever the transport: a browser
 * always sends Origin on cross-origin POSTs, so this stops cross-site form posts even without cookies.
 */
export function checkOrigin(req: AuthRequest, origins: OriginPolicy): void {
  const origin = req.headers.origin
  if (isUnsafeMethod(req.method) && origin !== undefined && !origins.allows(origin))
    throw new AuthError('CSRF_FAILED', 'The request origin is not allowed.')
}

/**
 * The cookie-transport CSRF check of an unsafe request: the `X-CSRF-Token` header must equal the csrf cookie
 * (double submit: a cross-site page can make the browser send the cookie, but cannot read it to copy it into a
 * header) and carry our signature (so a cookie planted by a sibling subdomain is useless); a `Sec-Fetch-Site`
 * header, when the browser sends one, must not say cross-site.
 */
export function checkCsrf(auth: Auth, req: AuthRequest, transport: Transport, csrfCookieName: string): void {
  if (transport !== 'cookie' || !isUnsafeMethod(req.method)) return
  const site = req.headers['sec-fetch-site']
  if (site !== undefined && !trustedFetchSites.has(site.trim().toLowerCase()))
    throw new AuthError('CSRF_FAILED', 'Cross-site requests are not allowed.')
  const header = req.headers['x-csrf-token']
  const cookie = req.cookies[csrfCookieName]
  if (header === undefined || cookie === undefined || header.length > 512 || !safeEqual(header, cookie))
    throw new AuthError('CSRF_FAILED', 'The CSRF token is missing or does not match.')
  if (!auth.csrf.verify(header)) throw new AuthError('CSRF_FAILED', 'The CSRF token is not valid.')
}

import type { Auth } from '../auth-types.js'
import { clientIpResolver } from './client-ip.js'
import { isSecureRequest } from './request-meta.js'
import { type SecurityHeaders, securityHeaders } from './security-headers.js'
import type { AuthRequest } from './types.js'

/**
 * Security headers for the host's own pages, with HSTS decided by the same TLS / trusted-proxy rule as the
 * auth routes. Each call yields a fresh CSP nonce for the page's inline scripts.
 */
export function pageSecurityHeaders(auth: Auth) {
  const ips = clientIpResolver(auth.settings.http.trustProxy)
  const make = securityHeaders(auth.settings, auth.random)
  return (req: Pick<AuthRequest, 'secure' | 'headers' | 'remoteAddress'>): SecurityHeaders =>
    make(isSecureRequest(req, ips))
}

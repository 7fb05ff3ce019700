import type { Auth } from '../auth-types.js'
import { clientIpResolver } from './client-ip.js'
import { createErrorResponder } from './error-response.js'
import { enforceRateLimits } from './rate-limits.js'
import type { AuthRequest, AuthResponse } from './types.js'

/**
 * The whole-API IP throttle for the host's own routes (`rateLimits.global`, 100 a minute by default):
 * the same exact sliding log, IP resolution (`trustProxy`, IPv6 by /64) and 429 answer as the auth routes.
 * Returns null when the request may pass, else the response to send.
 */
export function createThrottle(auth: Auth) {
  const ips = clientIpResolver(auth.settings.http.trustProxy)
  const errorResponse = createErrorResponder(auth)
  return async function throttle(req: AuthRequest): Promise<AuthResponse | null> {
    try {
      const ip = ips.clientIp(req.remoteAddress, req.headers['x-forwarded-for'])
      await enforceRateLimits(auth, [{ rule: 'global', by: 'ip' }], {
        ip,
        body: undefined,
        emailField: 'email',
      })
      return null
    } catch (thrown) {
      return errorResponse(req, thrown)
    }
  }
}

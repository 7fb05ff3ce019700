import type { Auth } from '../auth-types.js'
import { AuthError, type ErrorSurface } from '../errors.js'
import { clientIpResolver } from './client-ip.js'
import { contractError, toAuthError } from './errors.js'
import { isSecureRequest, requestIdOf } from './request-meta.js'
import { securityHeaders } from './security-headers.js'
import type { AuthRequest, AuthResponse } from './types.js'

/**
 * A framework's own 4xx (Fastify's 413/415 for a body it refused before our code ran) as an AuthError, so it
 * gets the contract's shape; anything else is left for `toAuthError` (INTERNAL, logged).
 */
export function fromFrameworkError(thrown: unknown): unknown {
  if (thrown instanceof AuthError || typeof thrown !== 'object' || thrown === null) return thrown
  const status = (thrown as { statusCode?: unknown }).statusCode
  if (status === 413) return new AuthError('PAYLOAD_TOO_LARGE')
  if (status === 415) return new AuthError('UNSUPPORTED_MEDIA_TYPE')
  if (typeof status === 'number' && status >= 400 && status < 500) return new AuthError('VALIDATION_FAILED')
  return thrown
}

/**
 * Builds complete error responses outside the route table (guards, framework error hooks): the contract's
 * body plus the headers every response carries (no-store, security headers, X-Request-Id).
 */
export function createErrorResponder(auth: Auth) {
  const ips = clientIpResolver(auth.settings.http.trustProxy)
  const headersFor = securityHeaders(auth.settings, auth.random)
  return function errorResponse(
    req: AuthRequest,
    thrown: unknown,
    surface: ErrorSurface = 'default',
  ): AuthResponse {
    const requestId = requestIdOf(req.headers['x-request-id'], auth.random)
    const reply = contractError(
      toAuthError(fromFrameworkError(thrown), auth.logger, requestId),
      surface,
      requestId,
    )
    const headers = {
      'Cache-Control': 'no-store',
      ...headersFor(isSecureRequest(req, ips)).headers,
      ...reply.headers,
      'X-Request-Id': requestId,
      'Content-Type': 'application/json; charset=utf-8',
    }
    return { status: reply.status, headers, body: reply.body ?? null }
  }
}

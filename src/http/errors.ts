import { AuthError, type ErrorSurface, isAuthError, statusOf } from '../errors.js'
import type { Logger } from '../ports.js'
import { isCredentialError } from './principal.js'
import type { JsonValue, Reply } from './types.js'

/** Turns an AuthError into a response; routes with their own error dialect (RFC 6749) pass another one. */
export type ErrorFormatter = (error: AuthError, surface: ErrorSurface, requestId: string) => Reply

/** Headers every error of this code carries: Retry-After (423/429), RateLimit-* (429), a Bearer challenge. */
export function errorHeaders(error: AuthError, status: number): Record<string, string> {
  const headers: Record<string, string> = {}
  if (error.retryAfterSeconds !== undefined)
    headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)))
  if (error.rateLimit !== undefined) {
    headers['RateLimit-Limit'] = String(error.rateLimit.limit)
    headers['RateLimit-Remaining'] = String(error.rateLimit.remaining)
    headers['RateLimit-Reset'] = String(Math.max(0, Math.ceil(error.rateLimit.resetSeconds)))
  }
  // A refused access token gets the challenge RFC 6750 §3 asks for.
  if (status === 401 && isCredentialError(error)) headers['WWW-Authenticate'] = 'Bearer'
  return headers
}

/** The status of an error: an access token's token errors are 401 like a refresh token's (principal.ts). */
export function errorStatusOf(error: AuthError, surface: ErrorSurface): number {
  return statusOf(error.code, isCredentialError(error) ? 'credential' : surface)
}

/** The contract's error shape: `{error: {code, message, details?, requestId}}`, never a stack. */
export const contractError: ErrorFormatter = (error, surface, requestId) => {
  const status = errorStatusOf(error, surface)
  const body: { [key: string]: JsonValue } = { code: error.code, message: error.message }
  if (error.details !== undefined) body.details = toJson(error.details)
  body.requestId = requestId
  return { status, body: { error: body }, headers: errorHeaders(error, status) }
}

/** Details are plain data from the flows; anything that does not survive JSON is dropped. */
function toJson(value: unknown): JsonValue {
  try {
    return JSON.parse(JSON.stringify(value) ?? 'null') as JsonValue
  } catch {
    return null
  }
}

/**
 * Normalises anything thrown into an AuthError. Unknown errors become INTERNAL, with their stack sent only to
 * the server log with the request id; the client learns nothing about them.
 */
export function toAuthError(thrown: unknown, logger: Logger, requestId: string): AuthError {
  if (isAuthError(thrown)) {
    if (thrown.code === 'INTERNAL' || thrown.code === 'UNAVAILABLE')
      logger.error('portcullis: request failed', { requestId, code: thrown.code, error: describe(thrown) })
    // A flow's INTERNAL may carry a descriptive message; the client gets the generic one.
    return thrown.code === 'INTERNAL' || thrown.code === 'UNAVAILABLE' ? new AuthError(thrown.code) : thrown
  }
  logger.error('portcullis: unexpected error', { requestId, error: describe(thrown) })
  return new AuthError('INTERNAL')
}

function describe(thrown: unknown): string {
  if (thrown instanceof Error) {
    const cause = thrown.cause === undefined ? '' : `\ncaused by: ${describe(thrown.cause)}`
    return `${thrown.stack ?? `${thrown.name}: ${thrown.message}`}${cause}`
  }
  return String(thrown)
}

/**
 * Every error code portcullis can answer with, mapped to its HTTP status in exactly one place.
 * The codes and statuses are those of the HTTP contract; a client can `switch` on `code`.
 */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  PASSWORD_POLICY: 400,
  TOKEN_INVALID: 400,
  TOKEN_EXPIRED: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_REUSED: 401,
  MFA_INVALID: 401,
  EMAIL_NOT_VERIFIED: 403,
  ACCOUNT_DISABLED: 403,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  STEP_UP_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ACCOUNT_LOCKED: 423,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const

/** A stable error code; see `errorStatus` for the status each one maps to. */
export type AuthErrorCode = keyof typeof errorStatus

/**
 * Where the error surfaced; a few codes answer with a different status on some routes (http-contract.md):
 * `refresh` is the refresh endpoint, `credential` the check of an access token or API key, `authenticated`
 * any other failure on a signed-in route.
 */
export type ErrorSurface = 'default' | 'refresh' | 'credential' | 'authenticated'

/**
 * The HTTP status of a code. Token errors are 401 on refresh and on credential checks (the client must
 * refresh or sign in again) and
 * re-authentication failures are 403 on authenticated routes, so a client's "session expired"
 * handler never fires for a mistyped current password.
 */
export function statusOf(code: AuthErrorCode, surface: ErrorSurface = 'default'): number {
  if (
    (surface === 'refresh' || surface === 'credential') &&
    (code === 'TOKEN_INVALID' || code === 'TOKEN_EXPIRED')
  )
    return 401
  if (surface === 'authenticated' && (code === 'INVALID_CREDENTIALS' || code === 'MFA_INVALID')) return 403
  return errorStatus[code]
}

/** Extra facts an error carries for the response: details for the body, retry hints for headers. */
export interface AuthErrorOptions {
  details?: unknown
  /** Seconds until a retry can succeed (423, 429): becomes `Retry-After`. */
  retryAfterSeconds?: number
  /** RateLimit-* header values for 429 answers. */
  rateLimit?: { limit: number; remaining: number; resetSeconds: number }
  /** The underlying failure, for the server log only; never sent to a client. */
  cause?: unknown
}

const defaultMessages: Record<AuthErrorCode, string> = {
  VALIDATION_FAILED: 'The request is not valid.',
  PASSWORD_POLICY: 'The password does not meet the password policy.',
  TOKEN_INVALID: 'The token is invalid or has already been used.',
  TOKEN_EXPIRED: 'The token has expired.',
  UNAUTHENTICATED: 'Authentication is required.',
  INVALID_CREDENTIALS: 'The email or password is incorrect.',
  TOKEN_REUSED: 'The refresh token was already used; the session has been revoked.',
  MFA_INVALID: 'The verification code is invalid.',
  EMAIL_NOT_VERIFIED: 'The email address has not been verified.',
  ACCOUNT_DISABLED: 'The account is disabled.',
  FORBIDDEN: 'You do not have permission to do this.',
  CSRF_FAILED: 'The request failed the CSRF check.',
  STEP_UP_REQUIRED: 'This action needs a recent password or MFA check.',
  NOT_FOUND: 'Not found.',
  CONFLICT: 'The request conflicts with the current state.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'The request body has an unsupported content type.',
  ACCOUNT_LOCKED: 'The account is temporarily locked after too many failed attempts.',
  RATE_LIMITED: 'Too many requests; try again later.',
  INTERNAL: 'An unexpected error occurred.',
  UNAVAILABLE: 'The service is temporarily unavailable.',
}

/**
 * The one error type of portcullis. Messages never contain tokens, secrets or submitted passwords;
 * `cause` is for the server log only.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError'
  readonly code: AuthErrorCode
  readonly details: unknown
  readonly retryAfterSeconds: number | undefined
  readonly rateLimit: AuthErrorOptions['rateLimit']

  constructor(code: AuthErrorCode, message?: string, options: AuthErrorOptions = {}) {
    super(
      message ?? defaultMessages[code],
      options.cause === undefined ? undefined : { cause: options.cause },
    )
    this.code = code
    this.details = options.details
    this.retryAfterSeconds = options.retryAfterSeconds
    this.rateLimit = options.rateLimit
  }

  /** The status for this error on the given surface. */
  status(surface: ErrorSurface = 'default'): number {
    return statusOf(this.code, surface)
  }
}

/** True for an `AuthError`, optionally of one code. */
export function isAuthError(value: unknown, code?: AuthErrorCode): value is AuthError {
  return value instanceof AuthError && (code === undefined || value.code === code)
}

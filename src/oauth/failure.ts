import type { OAuthErrorCode } from '../auth-types-oauth.js'
import { GitHubApiError } from './github.js'

/** A provider step that failed, with the code the browser is sent to the error page with. */
export class ProviderFailure extends Error {
  override readonly name = 'ProviderFailure'
  constructor(
    readonly code: OAuthErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Maps what openid-client (or fetch) threw to a failure code; messages name no secret, token or code. */
export function toFailure(error: unknown): ProviderFailure {
  if (error instanceof ProviderFailure) return error
  if (error instanceof GitHubApiError)
    return new ProviderFailure(
      error.status >= 500 ? 'provider_unavailable' : 'invalid_response',
      error.message,
      { cause: error },
    )
  const e = error as { name?: unknown; code?: unknown; error?: unknown; message?: unknown }
  const message = typeof e?.message === 'string' ? e.message : String(error)
  const fail = (code: OAuthErrorCode) => new ProviderFailure(code, message, { cause: error })
  switch (e?.code) {
    case 'OAUTH_AUTHORIZATION_RESPONSE_ERROR':
      return fail(e.error === 'access_denied' ? 'access_denied' : 'provider_error')
    case 'OAUTH_RESPONSE_BODY_ERROR':
      return fail('exchange_failed')
    case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
    case 'OAUTH_RESPONSE_IS_NOT_JSON':
      return fail('provider_unavailable')
  }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || message === 'fetch failed')
    return fail('provider_unavailable')
  return fail('invalid_response')
}

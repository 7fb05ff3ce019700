import type { Principal } from '../auth-types.js'
import type { CaptchaRoute } from '../captcha/settings.js'
import { AuthError } from '../errors.js'
import type { Reply, RouteContext } from './types.js'

/** Longest captcha token read (Turnstile's are at most 2048 characters; others are shorter). */
const MAX_TOKEN_LENGTH = 4096

/** The request's captcha token: the `X-Captcha-Token` header, else a `captchaToken` body field (JSON or form). */
export function captchaTokenOf(c: RouteContext<unknown, Principal | null>): string | undefined {
  const header = c.req.headers['x-captcha-token']
  if (header !== undefined && header !== '') return header
  // The route's schema strips unknown fields from `c.body`, so the raw body is read; it is already size-limited.
  const raw = c.req.rawBody
  if (raw === undefined || raw.trim() === '') return undefined
  try {
    const value = raw.trimStart().startsWith('{')
      ? (JSON.parse(raw) as Record<string, unknown>).captchaToken
      : new URLSearchParams(raw).get('captchaToken')
    return typeof value === 'string' && value !== '' ? value : undefined
  } catch {
    return undefined
  }
}

const invalid = (message: string) =>
  new AuthError('VALIDATION_FAILED', 'The captcha check failed.', {
    details: [{ path: 'captchaToken', message }],
  })

/**
 * Runs the host's captcha check before `handler` when `captcha.routes` includes `name` (and `when`, if given,
 * holds for the body): no token, or one the provider refuses, is 400 VALIDATION_FAILED on `captchaToken`; a
 * provider that cannot be asked is 503 UNAVAILABLE (never a pass). It runs after rate limits, CSRF and body
 * validation, so refused requests cost no call to the provider.
 */
export function withCaptcha<C extends RouteContext<unknown, Principal | null>>(
  name: CaptchaRoute,
  handler: (c: C) => Promise<Reply>,
  when?: (body: C['body']) => boolean,
): (c: C) => Promise<Reply> {
  return async (c) => {
    const captcha = c.auth.captcha
    if (captcha?.routes.includes(name) && (when?.(c.body) ?? true)) {
      const token = captchaTokenOf(c)
      if (token === undefined) throw invalid('Required: the X-Captcha-Token header or a captchaToken field')
      if (token.length > MAX_TOKEN_LENGTH) throw invalid('Too long')
      let ok: boolean
      try {
        ok = await captcha.verify(token, c.context.ip)
      } catch (error) {
        throw new AuthError('UNAVAILABLE', 'The captcha provider cannot be reached.', { cause: error })
      }
      if (ok !== true) throw invalid('The captcha was not solved, or its token is expired or used')
    }
    return handler(c)
  }
}

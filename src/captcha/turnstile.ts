import type { CaptchaVerify } from './settings.js'

/** Cloudflare Turnstile's server-side validation endpoint. */
export const TURNSTILE_SITEVERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify'
/** Where Turnstile's widget script and frame come from. */
export const TURNSTILE_ORIGIN = 'https://challenges.cloudflare.com'

/** Options of `turnstileCaptcha`. */
export interface TurnstileOptions {
  /** The widget's secret key. Sent only to siteverify, never logged. */
  secret: string
  /** Refuse tokens issued on another hostname (Turnstile reports the one the widget ran on). */
  expectedHostname?: string
  /** Refuse tokens of another widget action. */
  expectedAction?: string
  /** Milliseconds siteverify may take; default 5000. */
  timeoutMs?: number
  /** The `fetch` to call siteverify with (tests inject one); default: the global one. */
  fetch?: (
    url: string,
    init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
  ) => Promise<Response>
}

/**
 * A captcha verifier for Cloudflare Turnstile: `captcha: { ...turnstileCaptcha({ secret }), routes: [...] }`.
 * Each token is checked once with siteverify (Turnstile tokens are single use and valid for 300 s). An
 * unreachable or failing siteverify rejects (the request is answered 503), so an outage never lets a request
 * through unchecked.
 */
export function turnstileCaptcha(options: TurnstileOptions): { verify: CaptchaVerify; origins: string[] } {
  if (typeof options?.secret !== 'string' || options.secret.length === 0)
    throw new TypeError('turnstileCaptcha: `secret` is required')
  const fetchFn = options.fetch ?? fetch
  const verify: CaptchaVerify = async (token, ip) => {
    // Turnstile tokens are at most 2048 characters; anything longer is not one.
    if (token.length === 0 || token.length > 2048) return false
    const body = new URLSearchParams({ secret: options.secret, response: token })
    if (ip !== null) body.set('remoteip', ip)
    const res = await fetchFn(TURNSTILE_SITEVERIFY_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    })
    if (!res.ok) throw new Error(`turnstile siteverify answered ${res.status}`)
    const outcome = (await res.json()) as { success?: unknown; hostname?: unknown; action?: unknown }
    if (outcome.success !== true) return false
    if (options.expectedHostname !== undefined && outcome.hostname !== options.expectedHostname) return false
    if (options.expectedAction !== undefined && outcome.action !== options.expectedAction) return false
    return true
  }
  return { verify, origins: [TURNSTILE_ORIGIN] }
}

import { z } from 'zod'

/** The public routes a captcha can guard: `login` covers `POST /login` and the `/token` password grant. */
export const captchaRoutes = ['register', 'login', 'forgot'] as const
/** One guardable route. */
export type CaptchaRoute = (typeof captchaRoutes)[number]

/**
 * Checks a captcha token on the server (the host's provider: Turnstile, hCaptcha, reCAPTCHA…). Resolves true
 * for a valid token; a rejection means the provider could not be asked (answered as 503 UNAVAILABLE).
 */
export type CaptchaVerify = (token: string, ip: string | null) => Promise<boolean>

/** The `captcha` config: the verify function, the routes it guards, and the provider's origins for the CSP. */
export interface CaptchaConfig {
  verify: CaptchaVerify
  /** Default: every guardable route. */
  routes?: CaptchaRoute[]
  /** Origins of the provider's script and frame (`https://challenges.cloudflare.com`), added to the CSP. */
  origins?: string[]
}

const origin = z.string().regex(/^https?:\/\/[^/\s*]+$/, 'must be an origin like https://captcha.example')

/** Validates `captcha` (it holds a function, so it sits with the ports, not the JSON settings). */
export const captchaSchema = z.strictObject({
  verify: z.custom<CaptchaVerify>((v) => typeof v === 'function', {
    message: 'must be a function (token, ip) => Promise<boolean>',
  }),
  routes: z.array(z.enum(captchaRoutes)).default([...captchaRoutes]),
  origins: z.array(origin).default([]),
})

/** The `captcha` config after validation. */
export type CaptchaSettings = z.output<typeof captchaSchema>

/** Settings that carry CSP extra origins (the part of `AuthSettings` this reads and writes). */
interface WithCsp {
  http: { cspExtraOrigins: { script: string[]; frame: string[]; connect: string[] } }
}

/**
 * Adds the captcha provider's origins to the CSP's script-src, frame-src and connect-src (its widget is a
 * script that opens a frame and calls home), so every CSP portcullis writes allows it.
 */
export function withCaptchaOrigins<S extends WithCsp>(settings: S, captcha: CaptchaSettings | undefined): S {
  if (!captcha || captcha.origins.length === 0) return settings
  const merge = (list: string[]) => [...new Set([...list, ...captcha.origins])]
  const csp = settings.http.cspExtraOrigins
  return {
    ...settings,
    http: {
      ...settings.http,
      cspExtraOrigins: { script: merge(csp.script), frame: merge(csp.frame), connect: merge(csp.connect) },
    },
  }
}

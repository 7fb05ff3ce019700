import { parseCookie, stringifySetCookie } from 'cookie'
import type { IssuedTokens } from '../auth-types.js'
import type { AuthSettings } from '../config.js'

/** The cookie names and paths of one configuration (http-contract.md, "Cookies"). */
export interface CookieNames {
  access: string
  refresh: string
  csrf: string
  /** Path of the refresh cookie: `<mount>/token/refresh`. */
  refreshPath: string
  /** The trusted-device cookie (MFA), on `<mount>/login` so only the login routes see it. */
  device: string
  devicePath: string
}

/** True unless the host turned `Secure` cookies off (local development over plain HTTP). */
export function cookiesSecure(settings: AuthSettings): boolean {
  return settings.http.cookies.secure !== false
}

/**
 * Cookie names: with `Secure`, cookies on `Path=/` take `__Host-` (no Domain, so no sibling subdomain can
 * plant or shadow them) and the others `__Secure-`; browsers refuse prefixed cookies that break those rules.
 */
export function cookieNames(settings: AuthSettings): CookieNames {
  const secure = cookiesSecure(settings)
  const p = settings.http.cookies.prefix
  const host = secure ? '__Host-' : ''
  const sec = secure ? '__Secure-' : ''
  return {
    access: `${host}${p}access`,
    refresh: `${sec}${p}refresh`,
    csrf: `${host}${p}csrf`,
    refreshPath: `${settings.http.mountPath}/token/refresh`,
    device: `${sec}${p}device`,
    devicePath: `${settings.http.mountPath}/login`,
  }
}

/** Parses a `Cookie` header; values that fail to decode are kept as sent. */
export function parseCookies(header: string | undefined): Record<string, string> {
  if (header === undefined || header === '') return {}
  const parsed = parseCookie(header)
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(parsed)) if (value !== undefined) out[name] = value
  return out
}

/** Builds the `Set-Cookie` headers of the auth cookies for one configuration. */
export function cookieWriter(settings: AuthSettings) {
  const names = cookieNames(settings)
  const secure = cookiesSecure(settings)
  const sameSite = settings.http.cookies.sameSite
  const base = { secure, sameSite, httpOnly: true } as const

  return {
    names,
    /** Access and refresh cookies for freshly issued tokens; `now` in milliseconds since the epoch. */
    tokens(tokens: IssuedTokens, now: number): string[] {
      const refreshSeconds = Math.max(0, Math.floor((tokens.refreshTokenExpiresAt - now) / 1000))
      return [
        stringifySetCookie(names.access, tokens.accessToken, {
          ...base,
          path: '/',
          maxAge: tokens.expiresIn,
        }),
        stringifySetCookie(names.refresh, tokens.refreshToken, {
          ...base,
          path: names.refreshPath,
          // rememberMe: false makes it a browser-session cookie (no Max-Age): it dies with the browser.
          ...(tokens.rememberMe ? { maxAge: refreshSeconds } : {}),
        }),
      ]
    },
    /** The trusted-device cookie: HttpOnly, sent only to the login routes, lives as long as the device. */
    device(token: string, expiresAt: number, now: number): string {
      const maxAge = Math.max(0, Math.floor((expiresAt - now) / 1000))
      return stringifySetCookie(names.device, token, { ...base, path: names.devicePath, maxAge })
    },
    /** The csrf cookie: readable by script (double submit), lives for the browser session. */
    csrf(token: string): string {
      return stringifySetCookie(names.csrf, token, { secure, sameSite, httpOnly: false, path: '/' })
    },
    /** Expires the access and refresh cookies, with the same Path they were set with. */
    clearTokens(): string[] {
      const gone = { ...base, maxAge: 0, expires: new Date(0) }
      return [
        stringifySetCookie(names.access, '', { ...gone, path: '/' }),
        stringifySetCookie(names.refresh, '', { ...gone, path: names.refreshPath }),
      ]
    },
  }
}

/** The cookie writer of one configuration. */
export type CookieWriter = ReturnType<typeof cookieWriter>

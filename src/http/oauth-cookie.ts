import { stringifySetCookie } from 'cookie'
import type { AuthSettings } from '../config.js'
import { cookiesSecure } from './cookies.js'

/**
 * The `<p>oauth` cookie (http-contract.md, "Cookies"): the sealed state of one authorization request, HttpOnly,
 * on `<mount>/oauth` (only the OAuth routes receive it), `__Secure-` when Secure. Always `SameSite=Lax`, even
 * when the auth cookies are Strict: the provider's redirect back is a cross-site top-level navigation, which
 * Lax cookies accompany and Strict ones do not.
 */
export function oauthCookie(settings: AuthSettings) {
  const secure = cookiesSecure(settings)
  const name = `${secure ? '__Secure-' : ''}${settings.http.cookies.prefix}oauth`
  const base = { secure, sameSite: 'lax', httpOnly: true, path: `${settings.http.mountPath}/oauth` } as const
  return {
    name,
    /** Sets the cookie for `maxAgeSeconds` (the request's lifetime). */
    set: (value: string, maxAgeSeconds: number) =>
      stringifySetCookie(name, value, { ...base, maxAge: maxAgeSeconds }),
    /** Expires it: a state is used once, whatever the callback's outcome. */
    clear: () => stringifySetCookie(name, '', { ...base, maxAge: 0, expires: new Date(0) }),
  }
}

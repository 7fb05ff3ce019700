import { randomBytes } from 'node:crypto'
import type { AuthSettings } from '../config.js'
import type { Random } from '../ports.js'

/** Security headers for one response, and the CSP nonce that its inline scripts must carry. */
export interface SecurityHeaders {
  headers: Record<string, string>
  nonce: string
}

const cryptoRandom: Random = { bytes: (length) => new Uint8Array(randomBytes(length)) }

/**
 * Returns a function producing the security headers of one response (security-defaults.md, HTTP), with a
 * fresh CSP nonce each call. Exported for the host's own pages. `secure` says whether the request came over
 * TLS (directly or via a trusted proxy): HSTS is only sent then (RFC 6797 §7.2).
 */
export function securityHeaders(settings: AuthSettings, random: Random = cryptoRandom) {
  const { hsts, cspExtraOrigins } = settings.http
  const hstsValue = `max-age=${hsts.maxAgeSeconds}${hsts.includeSubDomains ? '; includeSubDomains' : ''}${
    hsts.preload ? '; preload' : ''
  }`
  const extra = (origins: readonly string[]) => origins.map((o) => ` ${o}`).join('')

  return function securityHeadersFor(secure: boolean): SecurityHeaders {
    // 128 random bits per response: a nonce an attacker could predict would let injected scripts run.
    const nonce = Buffer.from(random.bytes(16)).toString('base64')
    const csp = [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'${extra(cspExtraOrigins.script)}`,
      ...(cspExtraOrigins.frame.length > 0 ? [`frame-src 'self'${extra(cspExtraOrigins.frame)}`] : []),
      ...(cspExtraOrigins.connect.length > 0 ? [`connect-src 'self'${extra(cspExtraOrigins.connect)}`] : []),
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
    ].join('; ')
    const headers: Record<string, string> = {
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
      'Cross-Origin-Opener-Policy': 'same-origin',
    }
    if (secure) headers['Strict-Transport-Security'] = hstsValue
    return { headers, nonce }
  }
}

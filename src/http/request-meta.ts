import type { Random } from '../ports.js'
import type { ClientIpResolver } from './client-ip.js'
import type { AuthRequest } from './types.js'

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/

/** Keeps a well-formed incoming `X-Request-Id` (1–128 of `[A-Za-z0-9._:-]`), else makes a fresh one. */
export function requestIdOf(incoming: string | undefined, random: Random): string {
  if (incoming !== undefined && requestIdPattern.test(incoming)) return incoming
  return Buffer.from(random.bytes(16)).toString('hex')
}

/**
 * True when the client reached us over TLS: the socket is TLS, or a trusted proxy says so in
 * `X-Forwarded-Proto` (the first value: the hop nearest the client). An untrusted peer's header is ignored,
 * or anyone could switch HSTS on for a plain-HTTP origin.
 */
export function isSecureRequest(
  req: Pick<AuthRequest, 'secure' | 'headers' | 'remoteAddress'>,
  ips: ClientIpResolver,
): boolean {
  if (req.secure) return true
  const proto = req.headers['x-forwarded-proto']?.split(',')[0]?.trim().toLowerCase()
  return proto === 'https' && ips.trustsPeer(req.remoteAddress)
}

/** The first language tag of `Accept-Language`, if it is a plausible one (mails to users without a locale). */
export function localeOf(header: string | undefined): string | undefined {
  const first = header?.split(',')[0]?.split(';')[0]?.trim()
  return first !== undefined && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,3}$/.test(first) ? first : undefined
}

/** The User-Agent as recorded with sessions and audit events, capped so a huge header cannot bloat them. */
export function userAgentOf(header: string | undefined): string | null {
  return header === undefined || header === '' ? null : header.slice(0, 512)
}

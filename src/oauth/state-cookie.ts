import type { SecretBox } from '../crypto/secrets.js'
import type { AuthorizationChecks } from './provider.js'

/** How long an authorization request may take, start to callback (the `<p>oauth` cookie's lifetime). */
export const STATE_TTL_SECONDS = 600

/** What the `<p>oauth` cookie carries for one authorization request. */
export interface AuthorizationRequest extends AuthorizationChecks {
  /** Set when the request links the provider account to this signed-in user instead of signing in. */
  link: { userId: string; sessionId: string } | null
  /** Milliseconds since the epoch after which the request is refused. */
  expiresAt: number
}

/** The sealing context: a cookie sealed for one provider does not open at another provider's callback. */
const context = (provider: string) => `oauth-state:${provider}`

/**
 * Seals a request into the cookie value (AES-256-GCM with a key derived from the key ring). The cookie is
 * HttpOnly and the browser cannot read or change its content: the PKCE verifier never reaches a script,
 * and a forged or edited cookie does not open.
 */
export function sealAuthorizationRequest(
  box: SecretBox,
  provider: string,
  request: AuthorizationRequest,
): string {
  const payload = {
    v: 1,
    s: request.state,
    c: request.codeVerifier,
    n: request.nonce,
    l: request.link,
    e: request.expiresAt,
  }
  return box.seal(JSON.stringify(payload), context(provider))
}

/** Opens a cookie value sealed for `provider`; null when absent, forged, edited, sealed elsewhere or malformed. */
export function openAuthorizationRequest(
  box: SecretBox,
  provider: string,
  sealed: string | undefined,
): AuthorizationRequest | null {
  if (sealed === undefined || sealed.length === 0 || sealed.length > 4096) return null
  const json = box.open(sealed, context(provider))
  if (json === null) return null
  try {
    const p = JSON.parse(json) as Record<string, unknown>
    const link = p.l as { userId?: unknown; sessionId?: unknown } | null
    const linkOk = link === null || (typeof link?.userId === 'string' && typeof link.sessionId === 'string')
    if (p.v !== 1 || typeof p.s !== 'string' || typeof p.c !== 'string' || typeof p.e !== 'number' || !linkOk)
      return null
    if (p.n !== null && typeof p.n !== 'string') return null
    return {
      state: p.s,
      codeVerifier: p.c,
      nonce: p.n as string | null,
      link: link === null ? null : { userId: link.userId as string, sessionId: link.sessionId as string },
      expiresAt: p.e,
    }
  } catch {
    return null
  }
}

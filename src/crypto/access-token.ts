import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose'
import type { KeyRing } from './key-ring.js'

/** The claims portcullis puts in an access token (RFC 9068 profile, `typ: at+jwt`). */
export interface AccessClaims {
  sub: string
  sid: string
  jti: string
  roles: string[]
  amr: string[]
  /** Seconds since the epoch of the last factor check. */
  auth_time: number
  /** The user's token version when issued; logout-all raises the minimum. */
  ver: number
  iat: number
  exp: number
}

/** Where tokens are issued and for whom. */
export interface TokenAudience {
  issuer: string
  audience: string
}

/** Signs an access token with the ring's current key; `nowMs` and `ttlSeconds` set `iat`/`exp`. */
export function signAccessToken(
  ring: KeyRing,
  audience: TokenAudience,
  claims: Omit<AccessClaims, 'iat' | 'exp'>,
  nowMs: number,
  ttlSeconds: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000)
  const { sub, jti, ...rest } = claims
  return new SignJWT(rest)
    .setProtectedHeader({ alg: ring.signing.alg, kid: ring.signing.kid, typ: 'at+jwt' })
    .setSubject(sub)
    .setJti(jti)
    .setIssuer(audience.issuer)
    .setAudience(audience.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(ring.signing.signingKey)
}

/** Why an access token was refused; `expired` only for a token whose signature checked out. */
export type AccessTokenResult =
  | { ok: true; claims: AccessClaims }
  | { ok: false; reason: 'invalid' | 'expired' }

/**
 * Verifies an access token. The algorithm is pinned to the one of the key named by `kid`, so `none`
 * and HS/asymmetric confusion are refused; issuer, audience, type and expiry are checked at `nowMs`.
 */
export async function verifyAccessToken(
  ring: KeyRing,
  audience: TokenAudience,
  token: string,
  nowMs: number,
): Promise<AccessTokenResult> {
  if (token.length > 4096) return { ok: false, reason: 'invalid' }
  let kid: unknown
  try {
    kid = decodeProtectedHeader(token).kid
  } catch {
    return { ok: false, reason: 'invalid' }
  }
  const key = typeof kid === 'string' ? ring.byKid.get(kid) : undefined
  if (!key) return { ok: false, reason: 'invalid' }
  try {
    const { payload } = await jwtVerify(token, key.verifyingKey, {
      algorithms: [key.alg],
      issuer: audience.issuer,
      audience: audience.audience,
      typ: 'at+jwt',
      currentDate: new Date(nowMs),
      requiredClaims: ['sub', 'jti', 'exp', 'iat'],
    })
    return isAccessClaims(payload) ? { ok: true, claims: payload } : { ok: false, reason: 'invalid' }
  } catch (error) {
    // jose checks the signature before the claims, so JWTExpired means a genuine but stale token.
    return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' }
  }
}

function isAccessClaims(p: Record<string, unknown>): p is AccessClaims & Record<string, unknown> {
  return (
    typeof p.sub === 'string' &&
    typeof p.sid === 'string' &&
    typeof p.jti === 'string' &&
    typeof p.ver === 'number' &&
    typeof p.auth_time === 'number' &&
    Array.isArray(p.roles) &&
    p.roles.every((r) => typeof r === 'string') &&
    Array.isArray(p.amr) &&
    p.amr.every((r) => typeof r === 'string')
  )
}

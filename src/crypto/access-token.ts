import { createHmac, sign as signBytes } from 'node:crypto'
import { decodeProtectedHeader, errors, jwtVerify } from 'jose'
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

/**
 * Signs an access token with the ring's current key; `nowMs` and `ttlSeconds` set `iat`/`exp`. The compact
 * JWS is built here with node:crypto's one-shot `sign`/HMAC rather than jose's `SignJWT`, whose WebCrypto call
 * queues on libuv's thread pool: behind four argon2 hashes a login's signature waited tens of milliseconds
 * while its store transaction stayed open. The bytes are the ones jose produces (same header and claim
 * order; Ed25519 is deterministic), which a test pins.
 */
export function signAccessToken(
  ring: KeyRing,
  audience: TokenAudience,
  claims: Omit<AccessClaims, 'iat' | 'exp'>,
  nowMs: number,
  ttlSeconds: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000)
  const { sub, jti, ...rest } = claims
  const { alg, kid, signingKey } = ring.signing
  const header = base64UrlJson({ alg, kid, typ: 'at+jwt' })
  const payload = base64UrlJson({
    ...rest,
    sub,
    jti,
    iss: audience.issuer,
    aud: audience.audience,
    iat,
    exp: iat + ttlSeconds,
  })
  const input = `${header}.${payload}`
  const signature =
    alg === 'EdDSA'
      ? signBytes(null, Buffer.from(input, 'ascii'), signingKey)
      : createHmac('sha256', signingKey).update(input, 'ascii').digest()
  return Promise.resolve(`${input}.${signature.toString('base64url')}`)
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')
}

/** Why an access token was refused; `expired` only for a token whose signature checked out. */
export type AccessTokenResult =
  | { ok: true; claims: AccessClaims }
  | { ok: false; reason: 'invalid' | 'expired' }

/** How many verified tokens each key ring remembers (about 1 KiB each); the oldest is forgotten first. */
const VERIFIED_CACHE_SIZE = 10_000

/** A token whose signature and claims checked out, with what the time checks on a repeat need. */
interface VerifiedEntry {
  issuer: string
  audience: string
  claims: AccessClaims & Record<string, unknown>
}

/**
 * Verified tokens per key ring, so the cache lives and dies with the `createAuth` instance that loaded the
 * ring. Keyed by the whole compact token: a hit means these exact bytes, signature included, verified before.
 */
const verifiedByRing = new WeakMap<KeyRing, Map<string, VerifiedEntry>>()

/**
 * Verifies an access token. The algorithm is pinned to the one of the key named by `kid`, so `none`
 * and HS/asymmetric confusion are refused; issuer, audience, type and expiry are checked at `nowMs`.
 * A token that verified before with this ring, issuer and audience skips the signature check (the bytes
 * are the same, so the outcome is); its `nbf` and `exp` are checked again at `nowMs`, exactly as jose does.
 * Revocation is the caller's check and runs on every request either way.
 */
export async function verifyAccessToken(
  ring: KeyRing,
  audience: TokenAudience,
  token: string,
  nowMs: number,
): Promise<AccessTokenResult> {
  if (token.length > 4096) return { ok: false, reason: 'invalid' }
  const hit = verifiedByRing.get(ring)?.get(token)
  if (hit !== undefined && hit.issuer === audience.issuer && hit.audience === audience.audience)
    return checkTimes(hit.claims, nowMs)
  const result = await verifySignedToken(ring, audience, token, nowMs)
  if (!result.ok) return result
  remember(ring, token, { issuer: audience.issuer, audience: audience.audience, claims: result.claims })
  return { ok: true, claims: copyClaims(result.claims) }
}

function remember(ring: KeyRing, token: string, entry: VerifiedEntry): void {
  let verified = verifiedByRing.get(ring)
  if (verified === undefined) {
    verified = new Map()
    verifiedByRing.set(ring, verified)
  }
  if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string)
  verified.set(token, entry)
}

/** jose's time checks with no clock tolerance: `nbf` after now is invalid, `exp` at or before now expired. */
function checkTimes(claims: AccessClaims & Record<string, unknown>, nowMs: number): AccessTokenResult {
  const now = Math.floor(nowMs / 1000)
  if (typeof claims.nbf === 'number' && claims.nbf > now) return { ok: false, reason: 'invalid' }
  if (claims.exp <= now) return { ok: false, reason: 'expired' }
  return { ok: true, claims: copyClaims(claims) }
}

/** Each caller gets its own claims, so no caller can change what the cache hands to the next. */
function copyClaims<T extends AccessClaims>(claims: T): T {
  return { ...claims, roles: [...claims.roles], amr: [...claims.amr] }
}

async function verifySignedToken(
  ring: KeyRing,
  audience: TokenAudience,
  token: string,
  nowMs: number,
): Promise<
  { ok: true; claims: AccessClaims & Record<string, unknown> } | { ok: false; reason: 'invalid' | 'expired' }
> {
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

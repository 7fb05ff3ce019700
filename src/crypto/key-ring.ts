import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto'
import { exportJWK, type JWK } from 'jose'
import { fromBase64Url, toBase64Url } from './tokens.js'

/** A public JSON Web Key Set. */
export interface JwkSet {
  keys: JWK[]
}

/** One JWT signing key as written in a serialised ring. */
export type JwtKeySpec =
  | { kid: string; alg: 'EdDSA'; jwk: JWK }
  | { kid: string; alg: 'HS256'; secret: string }

/** The serialisable key ring: JWT keys (the first signs) and master secrets (the first is current). */
export interface KeyRingSpec {
  v: 1
  jwt: JwtKeySpec[]
  secrets: string[]
}

/** A loaded JWT key. `alg` is pinned: a token is verified only with the algorithm of its `kid`. */
export interface JwtKey {
  kid: string
  alg: 'EdDSA' | 'HS256'
  signingKey: KeyObject
  verifyingKey: KeyObject
  publicJwk: JWK | null
}

/** A loaded key ring. */
export interface KeyRing {
  /** The key new tokens are signed with. */
  signing: JwtKey
  byKid: ReadonlyMap<string, JwtKey>
  /** Master secrets (32+ bytes each), current first; older ones still open sealed data. */
  secrets: readonly Uint8Array[]
}

const PREFIX = 'pcks1.'

/** Thrown for a key ring that cannot be used; the message never contains key material. */
export class KeyRingError extends TypeError {
  override readonly name = 'KeyRingError'
}

/** Makes a fresh ring: one Ed25519 signing key and one 256-bit master secret. */
export function generateKeyRingSpec(randomBytes: (n: number) => Uint8Array): KeyRingSpec {
  const { privateKey } = generateKeyPairSync('ed25519')
  const jwk = privateKey.export({ format: 'jwk' }) as JWK
  return {
    v: 1,
    jwt: [
      {
        kid: toBase64Url(randomBytes(9)),
        alg: 'EdDSA',
        jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d },
      },
    ],
    secrets: [toBase64Url(randomBytes(32))],
  }
}

/** Serialises a ring for `AUTH_KEYS`. */
export function serializeKeyRing(spec: KeyRingSpec): string {
  return PREFIX + Buffer.from(JSON.stringify(spec), 'utf8').toString('base64url')
}

/** Parses `AUTH_KEYS` text into a spec, checking its shape. */
export function parseKeyRingSpec(text: string): KeyRingSpec {
  if (!text.startsWith(PREFIX)) throw new KeyRingError('keys: not a portcullis key ring (expected "pcks1.…")')
  let spec: unknown
  try {
    spec = JSON.parse(Buffer.from(text.slice(PREFIX.length), 'base64url').toString('utf8'))
  } catch {
    throw new KeyRingError('keys: the key ring is not valid (cannot decode it)')
  }
  const s = spec as Partial<KeyRingSpec>
  if (
    s.v !== 1 ||
    !Array.isArray(s.jwt) ||
    s.jwt.length === 0 ||
    !Array.isArray(s.secrets) ||
    s.secrets.length === 0
  )
    throw new KeyRingError('keys: the key ring needs v: 1, at least one jwt key and at least one secret')
  return s as KeyRingSpec
}

/** Loads a ring: imports every key once so signing and verifying never re-parse them. */
export function loadKeyRing(spec: KeyRingSpec): KeyRing {
  const keys: JwtKey[] = []
  for (const [i, k] of spec.jwt.entries()) keys.push(loadJwtKey(k, `keys.jwt[${i}]`))
  const kids = new Set(keys.map((k) => k.kid))
  if (kids.size !== keys.length) throw new KeyRingError('keys.jwt: every key needs a distinct kid')
  const secrets = spec.secrets.map((s, i) => {
    const bytes = typeof s === 'string' ? fromBase64Url(s) : null
    if (!bytes || bytes.length < 32)
      throw new KeyRingError(`keys.secrets[${i}]: must be at least 32 bytes, base64url`)
    return bytes
  })
  return { signing: keys[0]!, byKid: new Map(keys.map((k) => [k.kid, k])), secrets }
}

function loadJwtKey(spec: JwtKeySpec, path: string): JwtKey {
  if (typeof spec?.kid !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(spec.kid))
    throw new KeyRingError(`${path}.kid: 1-64 characters of [A-Za-z0-9._-]`)
  if (spec.alg === 'HS256') {
    // RFC 7518 §3.2: an HMAC key must be at least as long as the hash output (32 bytes for SHA-256).
    const secret = typeof spec.secret === 'string' ? fromBase64Url(spec.secret) : null
    if (!secret || secret.length < 32)
      throw new KeyRingError(`${path}.secret: HS256 needs at least 32 bytes, base64url`)
    const key = createSecretKey(secret)
    return { kid: spec.kid, alg: 'HS256', signingKey: key, verifyingKey: key, publicJwk: null }
  }
  if (spec.alg === 'EdDSA') {
    const { jwk } = spec
    if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string')
      throw new KeyRingError(`${path}.jwk: an Ed25519 private JWK (kty OKP, crv Ed25519, x, d) is required`)
    let signingKey: KeyObject
    try {
      signingKey = createPrivateKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d },
        format: 'jwk',
      })
    } catch {
      throw new KeyRingError(`${path}.jwk: not a valid Ed25519 private key`)
    }
    const verifyingKey = createPublicKey(signingKey)
    // Derive the public half from the private key rather than trusting the spec's `x`.
    const x = (verifyingKey.export({ format: 'jwk' }) as JWK).x
    const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x, kid: spec.kid, alg: 'EdDSA', use: 'sig' }
    return { kid: spec.kid, alg: 'EdDSA', signingKey, verifyingKey, publicJwk }
  }
  throw new KeyRingError(`${path}.alg: must be "EdDSA" or "HS256"`)
}

/** The public JWKS: public members only; null when the ring has only symmetric keys. */
export function publicJwks(ring: KeyRing): JwkSet | null {
  const keys = [...ring.byKid.values()].flatMap((k) => (k.publicJwk ? [{ ...k.publicJwk }] : []))
  return keys.length > 0 ? { keys } : null
}

/** Exports a public JWK for an asymmetric KeyObject (used in tests and tooling). */
export async function toPublicJwk(key: KeyObject): Promise<JWK> {
  const { d: _d, ...pub } = await exportJWK(key)
  return pub
}

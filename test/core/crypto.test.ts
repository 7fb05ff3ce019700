import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signAccessToken, verifyAccessToken } from '../../src/crypto/access-token.js'
import {
  generateKeyRingSpec,
  type KeyRingSpec,
  loadKeyRing,
  parseKeyRingSpec,
  publicJwks,
  serializeKeyRing,
} from '../../src/crypto/key-ring.js'
import { hashPassword, needsRehash, verifyPassword } from '../../src/crypto/password-hash.js'
import { SecretBox } from '../../src/crypto/secrets.js'
import { generateToken, hashToken } from '../../src/crypto/tokens.js'
import { AuthError, errorStatus, statusOf } from '../../src/errors.js'

const rand = (n: number) => new Uint8Array(randomBytes(n))
const aud = { issuer: 'https://app.example', audience: 'https://app.example' }
const claims = { sub: 'u1', sid: 's1', jti: 'j1', roles: ['employee'], amr: ['pwd'], auth_time: 1, ver: 0 }
const t0 = Date.UTC(2026, 0, 1)

describe('key ring', () => {
  it('round-trips through AUTH_KEYS text and exports public members only', () => {
    const spec = generateKeyRingSpec(rand)
    const ring = loadKeyRing(parseKeyRingSpec(serializeKeyRing(spec)))
    const jwks = publicJwks(ring)
    expect(jwks?.keys).toHaveLength(1)
    expect(jwks?.keys[0]).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: expect.any(String),
      kid: spec.jwt[0]!.kid,
      alg: 'EdDSA',
      use: 'sig',
    })
    expect(JSON.stringify(jwks)).not.toContain('"d"')
  })

  it('verifies tokens of every live key, so keys rotate without logging anyone out', async () => {
    const oldSpec = generateKeyRingSpec(rand)
    const newSpec = generateKeyRingSpec(rand)
    const oldRing = loadKeyRing(oldSpec)
    const rotated = loadKeyRing({ ...newSpec, jwt: [...newSpec.jwt, ...oldSpec.jwt] })
    const token = await signAccessToken(oldRing, aud, claims, t0, 900)
    expect(await verifyAccessToken(rotated, aud, token, t0)).toMatchObject({
      ok: true,
      claims: { sub: 'u1' },
    })
    expect(publicJwks(rotated)?.keys).toHaveLength(2)
  })

  it('supports HS256 with at least 32-byte secrets and pins the algorithm per kid', async () => {
    const secret = Buffer.from(rand(32)).toString('base64url')
    const spec: KeyRingSpec = { v: 1, jwt: [{ kid: 'h1', alg: 'HS256', secret }], secrets: [secret] }
    const ring = loadKeyRing(spec)
    expect(publicJwks(ring)).toBeNull()
    const token = await signAccessToken(ring, aud, claims, t0, 900)
    expect((await verifyAccessToken(ring, aud, token, t0)).ok).toBe(true)
    const short = Buffer.from(rand(16)).toString('base64url')
    expect(() => loadKeyRing({ ...spec, jwt: [{ kid: 'h1', alg: 'HS256', secret: short }] })).toThrow(
      /at least 32 bytes/,
    )
    // An EdDSA ring given an HS256 token under its kid refuses it (no algorithm confusion).
    const ed = loadKeyRing({
      v: 1,
      jwt: [{ ...generateKeyRingSpec(rand).jwt[0]!, kid: 'h1' }],
      secrets: [secret],
    })
    expect(await verifyAccessToken(ed, aud, token, t0)).toEqual({ ok: false, reason: 'invalid' })
  })

  it('refuses malformed rings with a message that names the part', () => {
    expect(() => parseKeyRingSpec('pcks1.!!!')).toThrow(/cannot decode/)
    expect(() => loadKeyRing({ v: 1, jwt: [{ kid: 'k', alg: 'RS256' } as never], secrets: [] })).toThrow(
      /alg/,
    )
    const spec = generateKeyRingSpec(rand)
    expect(() => loadKeyRing({ ...spec, secrets: ['short'] })).toThrow(/secrets\[0\]/)
    expect(() => loadKeyRing({ ...spec, jwt: [spec.jwt[0]!, spec.jwt[0]!] })).toThrow(/distinct kid/)
  })

  it('checks expiry, issuer and audience', async () => {
    const ring = loadKeyRing(generateKeyRingSpec(rand))
    const token = await signAccessToken(ring, aud, claims, t0, 900)
    expect(await verifyAccessToken(ring, aud, token, t0 + 900_000)).toEqual({ ok: false, reason: 'expired' })
    expect(await verifyAccessToken(ring, { ...aud, audience: 'x' }, token, t0)).toEqual({
      ok: false,
      reason: 'invalid',
    })
    expect(await verifyAccessToken(ring, { ...aud, issuer: 'x' }, token, t0)).toEqual({
      ok: false,
      reason: 'invalid',
    })
  })
})

describe('secret box', () => {
  it('seals with AES-256-GCM bound to a context, and opens with rotated secrets', () => {
    const a = rand(32)
    const b = rand(32)
    const box = new SecretBox([a])
    const sealed = box.seal('totp-secret', 'user:1')
    expect(sealed).not.toContain('totp-secret')
    expect(box.open(sealed, 'user:1')).toBe('totp-secret')
    expect(box.open(sealed, 'user:2')).toBeNull()
    expect(box.open(`${sealed.slice(0, -2)}AA`, 'user:1')).toBeNull()
    expect(new SecretBox([b, a]).open(sealed, 'user:1')).toBe('totp-secret')
    expect(new SecretBox([b]).open(sealed, 'user:1')).toBeNull()
  })

  it('makes keyed hashes that differ per secret and purpose', () => {
    const box = new SecretBox([rand(32), rand(32)])
    expect(box.mac('hmac', 'x')).not.toBe(box.mac('csrf', 'x'))
    expect(box.macCandidates('hmac', 'x')).toHaveLength(2)
    expect(box.macCandidates('hmac', 'x')[0]).toBe(box.mac('hmac', 'x'))
  })
})

describe('passwords and tokens', () => {
  it('hashes with argon2id and spots parameter changes', async () => {
    const params = { memoryCostKiB: 8192, timeCost: 1, parallelism: 1 }
    const phc = await hashPassword('Correct-Horse-9', params)
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=8192,t=1,p=1\$/)
    expect(await verifyPassword(phc, 'Correct-Horse-9')).toBe(true)
    expect(await verifyPassword(phc, 'correct-horse-9')).toBe(false)
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false)
    expect(needsRehash(phc, params)).toBe(false)
    expect(needsRehash(phc, { ...params, timeCost: 2 })).toBe(true)
    expect(needsRehash('$2b$10$bcrypt', params)).toBe(true)
  })

  it('makes 256-bit opaque tokens stored as SHA-256', () => {
    const token = generateToken({ bytes: rand })
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(hashToken(token)).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(hashToken(token)).not.toBe(token)
  })
})

describe('AuthError', () => {
  it('maps every code to its status in one table, with the per-surface exceptions', () => {
    expect(Object.keys(errorStatus)).toHaveLength(21)
    expect(new AuthError('ACCOUNT_LOCKED').status()).toBe(423)
    expect(statusOf('TOKEN_INVALID')).toBe(400)
    expect(statusOf('TOKEN_INVALID', 'refresh')).toBe(401)
    expect(statusOf('TOKEN_EXPIRED', 'refresh')).toBe(401)
    expect(statusOf('TOKEN_EXPIRED', 'credential')).toBe(401)
    expect(statusOf('TOKEN_EXPIRED', 'authenticated')).toBe(400)
    expect(statusOf('INVALID_CREDENTIALS')).toBe(401)
    expect(statusOf('INVALID_CREDENTIALS', 'authenticated')).toBe(403)
    expect(statusOf('MFA_INVALID', 'authenticated')).toBe(403)
    expect(new AuthError('INTERNAL', undefined, { cause: new Error('db down') }).message).not.toContain(
      'db down',
    )
  })
})

import { randomBytes } from 'node:crypto'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { signAccessToken, verifyAccessToken } from '../../src/crypto/access-token.js'
import { generateKeyRingSpec, loadKeyRing } from '../../src/crypto/key-ring.js'
import { authError, ctx, makeAuth } from '../helpers.js'

const rand = (n: number) => new Uint8Array(randomBytes(n))
const aud = { issuer: 'https://app.example', audience: 'https://app.example' }
const claims = { sub: 'u1', sid: 's1', jti: 'j1', roles: ['employee'], amr: ['pwd'], auth_time: 1, ver: 0 }
const t0 = Date.UTC(2026, 0, 1)

describe('verified-token cache', () => {
  it('gives a repeated token the same answer as its first check, exp included, to the second', async () => {
    const ring = loadKeyRing(generateKeyRingSpec(rand))
    const token = await signAccessToken(ring, aud, claims, t0, 900)
    const first = await verifyAccessToken(ring, aud, token, t0)
    expect(await verifyAccessToken(ring, aud, token, t0 + 1000)).toEqual(first)
    expect(await verifyAccessToken(ring, aud, token, t0 + 899_999)).toMatchObject({ ok: true })
    expect(await verifyAccessToken(ring, aud, token, t0 + 900_000)).toEqual({ ok: false, reason: 'expired' })
    // A clock that moves back (a fake clock in tests) sees the token valid again, as jose would.
    expect(await verifyAccessToken(ring, aud, token, t0)).toMatchObject({ ok: true })
  })

  it('never lets a token verified for one issuer, audience or ring pass for another', async () => {
    const ring = loadKeyRing(generateKeyRingSpec(rand))
    const other = loadKeyRing(generateKeyRingSpec(rand))
    const token = await signAccessToken(ring, aud, claims, t0, 900)
    expect((await verifyAccessToken(ring, aud, token, t0)).ok).toBe(true)
    for (const [r, a] of [
      [ring, { ...aud, audience: 'x' }],
      [ring, { ...aud, issuer: 'x' }],
      [other, aud],
    ] as const)
      expect(await verifyAccessToken(r, a, token, t0)).toEqual({ ok: false, reason: 'invalid' })
    expect((await verifyAccessToken(ring, aud, token, t0)).ok).toBe(true)
  })

  it('hands every caller its own claims', async () => {
    const ring = loadKeyRing(generateKeyRingSpec(rand))
    const token = await signAccessToken(ring, aud, claims, t0, 900)
    const first = await verifyAccessToken(ring, aud, token, t0)
    if (!first.ok) throw new Error('expected a valid token')
    first.claims.roles.push('admin')
    first.claims.amr.length = 0
    first.claims.sub = 'someone else'
    const again = await verifyAccessToken(ring, aud, token, t0)
    expect(again).toMatchObject({ ok: true, claims: { sub: 'u1', roles: ['employee'], amr: ['pwd'] } })
  })

  it('still checks revocation on every request for a token seen before', async () => {
    const t = makeAuth()
    await t.signUp()
    const one = await t.signIn()
    const principal = await t.auth.authenticate(one.accessToken)
    principal.roles.push('admin')
    expect((await t.auth.authenticate(one.accessToken)).roles).toEqual(['employee'])
    await t.auth.logout(principal, ctx)
    expect((await authError(t.auth.authenticate(one.accessToken))).code).toBe('UNAUTHENTICATED')
  })
})

describe('access-token signing', () => {
  it('produces the very bytes jose SignJWT produces, for EdDSA and HS256', async () => {
    const secret = Buffer.from(rand(32)).toString('base64url')
    const rings = [
      loadKeyRing(generateKeyRingSpec(rand)),
      loadKeyRing({ v: 1, jwt: [{ kid: 'h1', alg: 'HS256', secret }], secrets: [secret] }),
    ]
    const withUnicode = { ...claims, sub: 'ü-ser/1', roles: ['employee', 'admin'] }
    for (const ring of rings) {
      const token = await signAccessToken(ring, aud, withUnicode, t0 + 1234, 900)
      const { sub, jti, ...rest } = withUnicode
      const iat = Math.floor((t0 + 1234) / 1000)
      const expected = await new SignJWT(rest)
        .setProtectedHeader({ alg: ring.signing.alg, kid: ring.signing.kid, typ: 'at+jwt' })
        .setSubject(sub)
        .setJti(jti)
        .setIssuer(aud.issuer)
        .setAudience(aud.audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 900)
        .sign(ring.signing.signingKey)
      expect(token).toBe(expected)
    }
  })
})

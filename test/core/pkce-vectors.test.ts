import { calculatePKCECodeChallenge } from 'openid-client'
import { describe, expect, it } from 'vitest'

// RFC 7636 Appendix B: the S256 example. The code challenge of every authorization request is computed by
// openid-client's calculatePKCECodeChallenge (src/oauth/provider.ts); `plain` is never used.
describe('PKCE S256 (RFC 7636 appendix B)', () => {
  // The 32 octets the appendix lists; their base64url is the appendix's code_verifier.
  const octets = [
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214,
    191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
  ]
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'

  it('the verifier is the base64url of the listed octets', () => {
    expect(Buffer.from(octets).toString('base64url')).toBe(verifier)
  })

  it('derives the appendix’s challenge from its verifier', async () => {
    expect(await calculatePKCECodeChallenge(verifier)).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')
  })
})

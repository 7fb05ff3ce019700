import { randomBytes } from 'node:crypto'
import { generateSync } from 'otplib'
import { describe, expect, it } from 'vitest'
import { fromBase32, toBase32 } from '../../src/crypto/base32.js'
import {
  generateHotp,
  generateTotp,
  hotpValue,
  matchTotpStep,
  type OtpAlgorithm,
  totpStep,
} from '../../src/crypto/totp.js'

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'ascii'))

describe('RFC 4226 Appendix D (HOTP, SHA-1, secret "12345678901234567890")', () => {
  const key = ascii('12345678901234567890')
  // counter → [truncated 31-bit value, 6-digit HOTP]
  const vectors: [number, number, string][] = [
    [0, 1284755224, '755224'],
    [1, 1094287082, '287082'],
    [2, 137359152, '359152'],
    [3, 1726969429, '969429'],
    [4, 1640338314, '338314'],
    [5, 868254676, '254676'],
    [6, 1918287922, '287922'],
    [7, 82162583, '162583'],
    [8, 673399871, '399871'],
    [9, 645520489, '520489'],
  ]
  it.each(vectors)('counter %i → %i → %s', (counter, truncated, code) => {
    expect(hotpValue(key, counter, 'SHA1')).toBe(truncated)
    expect(generateHotp(key, counter, { algorithm: 'SHA1', digits: 6 })).toBe(code)
  })
})

describe('RFC 6238 Appendix B (TOTP, 8 digits, 30 s steps)', () => {
  // The seeds of the reference implementation: 20, 32 and 64 bytes of ASCII digits.
  const keys: Record<OtpAlgorithm, Uint8Array> = {
    SHA1: ascii('12345678901234567890'),
    SHA256: ascii('12345678901234567890123456789012'),
    SHA512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
  }
  const vectors: [number, string, OtpAlgorithm, string][] = [
    [59, '0000000000000001', 'SHA1', '94287082'],
    [59, '0000000000000001', 'SHA256', '46119246'],
    [59, '0000000000000001', 'SHA512', '90693936'],
    [1111111109, '00000000023523EC', 'SHA1', '07081804'],
    [1111111109, '00000000023523EC', 'SHA256', '68084774'],
    [1111111109, '00000000023523EC', 'SHA512', '25091201'],
    [1111111111, '00000000023523ED', 'SHA1', '14050471'],
    [1111111111, '00000000023523ED', 'SHA256', '67062674'],
    [1111111111, '00000000023523ED', 'SHA512', '99943326'],
    [1234567890, '000000000273EF07', 'SHA1', '89005924'],
    [1234567890, '000000000273EF07', 'SHA256', '91819424'],
    [1234567890, '000000000273EF07', 'SHA512', '93441116'],
    [2000000000, '0000000003F940AA', 'SHA1', '69279037'],
    [2000000000, '0000000003F940AA', 'SHA256', '90698825'],
    [2000000000, '0000000003F940AA', 'SHA512', '38618901'],
    [20000000000, '0000000027BC86AA', 'SHA1', '65353130'],
    [20000000000, '0000000027BC86AA', 'SHA256', '77737706'],
    [20000000000, '0000000027BC86AA', 'SHA512', '47863826'],
  ]
  it.each(vectors)('T = %i s (step %s), %s → %s', (seconds, stepHex, algorithm, code) => {
    const options = { algorithm, digits: 8, periodSeconds: 30 }
    expect(totpStep(seconds * 1000, 30)).toBe(Number.parseInt(stepHex, 16))
    expect(generateTotp(keys[algorithm], seconds * 1000, options)).toBe(code)
    expect(matchTotpStep(keys[algorithm], code, seconds * 1000, { ...options, windowSteps: 1 })).toBe(
      Number.parseInt(stepHex, 16),
    )
  })
})

describe('matchTotpStep', () => {
  const key = ascii('12345678901234567890')
  const options = { algorithm: 'SHA1' as const, digits: 6, periodSeconds: 30, windowSteps: 1 }
  const t = 1_700_000_010_000
  const step = totpStep(t, 30)
  const codeAt = (s: number) => generateHotp(key, s, options)

  it('accepts the previous, current and next step and nothing further out', () => {
    expect(matchTotpStep(key, codeAt(step - 1), t, options)).toBe(step - 1)
    expect(matchTotpStep(key, codeAt(step), t, options)).toBe(step)
    expect(matchTotpStep(key, codeAt(step + 1), t, options)).toBe(step + 1)
    expect(matchTotpStep(key, codeAt(step - 2), t, options)).toBeNull()
    expect(matchTotpStep(key, codeAt(step + 2), t, options)).toBeNull()
  })

  it('refuses anything that is not exactly `digits` digits', () => {
    for (const code of ['', '12345', '1234567', ' 123456', 'abcdef', `${codeAt(step)}\n`])
      expect(matchTotpStep(key, code, t, options)).toBeNull()
  })
})

describe('interoperability', () => {
  it('matches otplib (an independent implementation) for random 20-byte secrets', () => {
    for (let i = 0; i < 20; i++) {
      const secret = new Uint8Array(randomBytes(20))
      const epoch = 1_600_000_000 + i * 7_919
      const ours = generateTotp(secret, epoch * 1000, { algorithm: 'SHA1', digits: 6, periodSeconds: 30 })
      expect(ours).toBe(generateSync({ secret: toBase32(secret), epoch }))
    }
  })

  it('base32 round-trips and matches RFC 4648 §10', () => {
    const rfc: [string, string][] = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ]
    for (const [plain, encoded] of rfc) {
      expect(toBase32(ascii(plain))).toBe(encoded)
      expect(Buffer.from(fromBase32(encoded) ?? []).toString('ascii')).toBe(plain)
    }
    expect(fromBase32('MZXW6YTBOI======')).toEqual(ascii('foobar'))
    expect(fromBase32('mzxw6ytboi')).toEqual(ascii('foobar'))
    expect(fromBase32('MZ1W')).toBeNull()
  })
})

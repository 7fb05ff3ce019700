import { describe, expect, it } from 'vitest'
import { formatBackupCode, looksLikeBackupCode, normalizeBackupCode } from '../../src/policy/backup-codes.js'

describe('formatBackupCode', () => {
  it('encodes 40 bits as XXXX-XXXX in Crockford Base32, most significant bits first', () => {
    expect(formatBackupCode(new Uint8Array([0, 0, 0, 0, 0]))).toBe('0000-0000')
    expect(formatBackupCode(new Uint8Array([255, 255, 255, 255, 255]))).toBe('ZZZZ-ZZZZ')
    expect(formatBackupCode(new Uint8Array([0, 0, 0, 0, 31]))).toBe('0000-000Z')
    expect(formatBackupCode(new Uint8Array([0x08, 0x86, 0x42, 0x98, 0xe8]))).toBe('1234-5678')
  })

  it('never uses I, L, O or U', () => {
    for (let i = 0; i < 256; i++) {
      const code = formatBackupCode(
        new Uint8Array([i, (i * 7) & 255, (i * 13) & 255, (i * 31) & 255, i ^ 0x5a]),
      )
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
    }
  })

  it('refuses another number of bytes', () => {
    expect(() => formatBackupCode(new Uint8Array(4))).toThrow(TypeError)
  })
})

describe('normalizeBackupCode', () => {
  const cases: [string, string | null][] = [
    ['ABCD-EFGH', 'ABCDEFGH'],
    ['abcd-efgh', 'ABCDEFGH'],
    ['abcdefgh', 'ABCDEFGH'],
    [' abcd efgh ', 'ABCDEFGH'],
    ['iLo0-1234', '1100' + '1234'],
    ['OOOO-llll', '00001111'],
    ['ABCD-EFGU', null], // U is not in Crockford's alphabet
    ['ABCD-EFG', null],
    ['ABCD-EFGHJ', null],
    ['ABCD_EFGH', null],
    ['', null],
    ['x'.repeat(100), null],
  ]
  it.each(cases)('%j → %j', (input, expected) => {
    expect(normalizeBackupCode(input)).toBe(expected)
  })

  it('round-trips every formatted code', () => {
    const code = formatBackupCode(new Uint8Array([1, 2, 3, 4, 5]))
    expect(normalizeBackupCode(code)).toBe(code.replace('-', ''))
    expect(normalizeBackupCode(code.toLowerCase().replace('-', ''))).toBe(code.replace('-', ''))
  })
})

describe('looksLikeBackupCode', () => {
  it('tells a 6-digit TOTP code from a backup code', () => {
    expect(looksLikeBackupCode('123456')).toBe(false)
    expect(looksLikeBackupCode('12345678')).toBe(true)
    expect(looksLikeBackupCode('abcd-efgh')).toBe(true)
    expect(looksLikeBackupCode('12345')).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { commonPasswordChunks, commonPasswordCount } from '../../src/policy/common-passwords-data.js'
import { commonPasswordSet, isCommonPassword } from '../../src/policy/common-passwords.js'

describe('common-password list', () => {
  it('holds the top 10,000 list, lowercased and de-duplicated', () => {
    const set = commonPasswordSet()
    expect(set.size).toBe(commonPasswordCount)
    // 10,000 entries fold into 9,913 once case is ignored ("Password" and "password" are one entry).
    expect(set.size).toBe(9913)
    for (const word of set) {
      expect(word).toBe(word.toLowerCase())
      expect(word).not.toBe('')
    }
  })

  it('is built once and cached', () => {
    expect(commonPasswordSet()).toBe(commonPasswordSet())
  })

  it('keeps generated lines short', () => {
    for (const chunk of commonPasswordChunks) expect(chunk.length).toBeLessThan(2000)
  })

  it.each([
    { pw: 'password', common: true },
    { pw: 'PASSWORD', common: true },
    { pw: 'PaSsWoRd', common: true },
    { pw: '123456', common: true },
    { pw: '12345678', common: true },
    { pw: 'qwerty', common: true },
    { pw: 'iloveyou', common: true },
    { pw: 'trustno1', common: true },
    { pw: 'Dragon', common: true },
    { pw: 'MailCreated5240', common: true },
    { pw: 'Kx7#mQ2v!pLz', common: false },
    { pw: 'correct horse battery staple', common: false },
    { pw: '', common: false },
    // No trimming: a password is compared exactly as it will be hashed.
    { pw: 'password ', common: false },
  ])('isCommonPassword($pw) is $common', ({ pw, common }) => {
    expect(isCommonPassword(pw)).toBe(common)
  })
})

import { describe, expect, it } from 'vitest'
import { createAuth } from '../../src/create-auth.js'
import { ConfigError } from '../../src/config.js'
import { memoryStore } from '../../src/testing/index.js'

const base = () => ({ appUrl: 'http://localhost:3000', store: memoryStore(), logger: silent })
const silent = { debug() {}, info() {}, warn() {}, error() {} }

describe('createAuth config', () => {
  it.each([
    [{ lockout: { treshold: 5 } }, /lockout: Unrecognized key.*treshold/s],
    [{ lockout: { threshold: 0 } }, /lockout\.threshold/],
    [{ accessToken: { ttlSeconds: -1 } }, /accessToken\.ttlSeconds/],
    [{ appUrl: 'ftp://x' }, /appUrl/],
    [{ http: { cors: { origins: ['*'] } } }, /http\.cors\.origins.*credentials/],
    [{ http: { cors: { origins: ['https://a.example/path'] } } }, /http\.cors\.origins\.0/],
    [{ http: { mountPath: 'auth/' } }, /http\.mountPath/],
    [{ defaultRole: 'wizard' }, /defaultRole/],
    [{ password: { minLength: 20, maxLength: 10 } }, /password\.minLength/],
    [{ keys: 'not-a-ring' }, /keys/],
    [{ store: {} }, /store: must be a Store/],
    [{ unknownTopLevel: true }, /Unrecognized key.*unknownTopLevel/s],
  ])('refuses %j naming the path', (patch, message) => {
    expect(() => createAuth({ ...base(), ...(patch as object) })).toThrow(ConfigError)
    expect(() => createAuth({ ...base(), ...(patch as object) })).toThrow(message)
  })

  it('refuses to start in production without keys, a mailer, or with insecure cookies', () => {
    const mailer = { send: async () => {} }
    expect(() => createAuth({ ...base(), production: true, mailer })).toThrow(/keys: required in production/)
    expect(() => createAuth({ ...base(), production: true })).toThrow(/mailer: required in production/)
    expect(() =>
      createAuth({ ...base(), production: true, mailer, http: { cookies: { secure: false } } }),
    ).toThrow(/http\.cookies\.secure/)
  })

  it('applies the security defaults and freezes the result', () => {
    const auth = createAuth(base())
    expect(auth.settings.accessToken.ttlSeconds).toBe(900)
    expect(auth.settings.refreshToken).toEqual({
      idleTtlSeconds: 30 * 86400,
      absoluteTtlSeconds: 90 * 86400,
      shortIdleTtlSeconds: 86400,
      reuseGraceSeconds: 10,
    })
    expect(auth.settings.lockout).toMatchObject({ threshold: 5, windowSeconds: 1800, lockSeconds: 1800 })
    expect(auth.settings.hashing).toEqual({ memoryCostKiB: 19456, timeCost: 2, parallelism: 1 })
    expect(auth.settings.rateLimits.loginPerIpEmail).toEqual({ limit: 5, windowSeconds: 60 })
    expect(auth.settings.http.bodyLimitBytes).toBe(16384)
    expect(Object.isFrozen(auth.settings.lockout)).toBe(true)
  })

  it('publishes the active password rules, nist preset included', () => {
    const byDefault = createAuth(base()).passwordPolicy()
    expect(byDefault.minLength).toBe(8)
    expect(byDefault.rules.map((r) => r.id)).toEqual(
      expect.arrayContaining(['min_length', 'uppercase', 'special', 'not_common', 'not_current']),
    )
    const nist = createAuth({ ...base(), password: { preset: 'nist' } }).passwordPolicy()
    expect(nist.minLength).toBe(15)
    expect(nist.rules.map((r) => r.id)).not.toContain('uppercase')
  })
})

import { describe, expect, it } from 'vitest'
import { deviceLabel, ipPrefix } from '../../src/policy/device.js'
import { hasPermission, hasScope } from '../../src/policy/rbac.js'

describe('deviceLabel', () => {
  const cases: Array<[string | null, string]> = [
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox on Linux'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
      'Chrome on Windows',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
      'Edge on Windows',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      'Safari on macOS',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1',
      'Chrome on iOS',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
      'Chrome on Android',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
      'Samsung Internet on Android',
    ],
    [
      'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
      'Chrome on ChromeOS',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0',
      'Opera on Windows',
    ],
    ['curl/8.5.0', 'curl'],
    ['python-requests/2.32.3', 'HTTP client'],
    ['vitest', 'Unknown device'],
    ['', 'Unknown device'],
    [null, 'Unknown device'],
  ]
  it.each(cases)('%s → %s', (ua, label) => {
    expect(deviceLabel(ua)).toBe(label)
  })
})

describe('ipPrefix', () => {
  it.each([
    ['203.0.113.7', '203.0.113.0/24'],
    ['203.0.113.250', '203.0.113.0/24'],
    ['::ffff:203.0.113.7', '203.0.113.0/24'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    [null, 'unknown'],
    ['not an ip', 'not an ip'],
  ])('%s → %s', (ip, prefix) => {
    expect(ipPrefix(ip)).toBe(prefix)
  })
})

describe('hasPermission and hasScope', () => {
  it('checks one, any of, and all of; * grants everything', () => {
    const granted = ['users:read', 'audit:read']
    expect(hasPermission(granted, 'users:read')).toBe(true)
    expect(hasPermission(granted, 'users:write')).toBe(false)
    expect(hasPermission(granted, { anyOf: ['users:write', 'audit:read'] })).toBe(true)
    expect(hasPermission(granted, { anyOf: ['users:write'] })).toBe(false)
    expect(hasPermission(granted, { allOf: ['users:read', 'audit:read'] })).toBe(true)
    expect(hasPermission(granted, { allOf: ['users:read', 'users:write'] })).toBe(false)
    expect(hasPermission(['*'], { allOf: ['anything', 'at:all'] })).toBe(true)
    expect(hasPermission([], { anyOf: [] })).toBe(false)
  })

  it('narrows API keys by scope, never a signed-in session', () => {
    expect(hasScope(['reports:read'], 'reports:read')).toBe(true)
    expect(hasScope(['reports:read'], 'reports:write')).toBe(false)
    expect(hasScope([], 'reports:read')).toBe(false)
    expect(hasScope(null, 'reports:read')).toBe(true)
  })
})

import { describe, expect, it } from 'vitest'
import { ipRateKey } from '../../src/policy/rate-limit.js'

describe('ipRateKey', () => {
  it.each([
    // IPv4 is unchanged.
    { ip: '203.0.113.7', key: '203.0.113.7' },
    { ip: '127.0.0.1', key: '127.0.0.1' },
    // IPv6 grouped by /64, normalised (expanded, lowercase, no leading zeros).
    { ip: '::1', key: '0:0:0:0::/64' },
    { ip: '::', key: '0:0:0:0::/64' },
    { ip: '1::', key: '1:0:0:0::/64' },
    { ip: '2001:db8::1', key: '2001:db8:0:0::/64' },
    { ip: '2001:DB8::ABCD', key: '2001:db8:0:0::/64' },
    { ip: '2001:0db8:0000:0000:ffff:0000:0000:0001', key: '2001:db8:0:0::/64' },
    { ip: '2001:db8::ffff:0:1', key: '2001:db8:0:0::/64' },
    { ip: '2001:db8:0:1::1', key: '2001:db8:0:1::/64' },
    { ip: '2001:db8:a:b:c:d:e:f', key: '2001:db8:a:b::/64' },
    { ip: '2001:db8:a:b::', key: '2001:db8:a:b::/64' },
    { ip: '2001:db8:a::b:c:d:e', key: '2001:db8:a:0::/64' },
    { ip: 'fe80::1%eth0', key: 'fe80:0:0:0::/64' },
    { ip: '[2001:db8::1]', key: '2001:db8:0:0::/64' },
    { ip: '64:ff9b::192.0.2.1', key: '64:ff9b:0:0::/64' },
    // IPv4-mapped IPv6 is its IPv4, in every spelling.
    { ip: '::ffff:192.0.2.1', key: '192.0.2.1' },
    { ip: '::FFFF:192.0.2.1', key: '192.0.2.1' },
    { ip: '::ffff:c000:201', key: '192.0.2.1' },
    { ip: '0:0:0:0:0:ffff:c000:0201', key: '192.0.2.1' },
    { ip: '0000:0000:0000:0000:0000:ffff:192.0.2.1', key: '192.0.2.1' },
    // Not IPv6 addresses: returned unchanged rather than guessed at.
    { ip: '1:2:3:4:5:6:7:8:9', key: '1:2:3:4:5:6:7:8:9' },
    { ip: '1:2:3:4:5:6:7::8', key: '1:2:3:4:5:6:7::8' },
    { ip: '1::2::3', key: '1::2::3' },
    { ip: '2001:db8:::1', key: '2001:db8:::1' },
    { ip: 'gggg::1', key: 'gggg::1' },
    { ip: '12345::1', key: '12345::1' },
    { ip: '::ffff:999.0.2.1', key: '::ffff:999.0.2.1' },
    { ip: '[::1]:8080', key: '[::1]:8080' },
  ])('$ip → $key', ({ ip, key }) => {
    expect(ipRateKey(ip)).toBe(key)
  })

  it('puts every address of one /64 in one bucket and a neighbouring /64 in another', () => {
    const same = [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0DB8:0001:0002:abcd::',
      '2001:db8:1:2:0:0:0:0',
    ]
    expect(new Set(same.map(ipRateKey))).toEqual(new Set(['2001:db8:1:2::/64']))
    expect(ipRateKey('2001:db8:1:3::1')).not.toBe(ipRateKey(same[0] ?? ''))
  })
})

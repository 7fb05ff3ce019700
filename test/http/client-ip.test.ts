import { describe, expect, it } from 'vitest'
import { clientIpResolver } from '../../src/http/client-ip.js'
import { inRange, parseCidr, parseIp } from '../../src/http/ip-address.js'

describe('parseIp', () => {
  it.each([
    ['1.2.3.4', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]],
    ['::ffff:1.2.3.4', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['[2001:db8::1]', [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['fe80::1%eth0', [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['1:2:3:4:5:6:7:8', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]],
  ])('parses %s', (text, bytes) => {
    expect(parseIp(text)).toEqual(bytes)
  })

  it.each([
    '',
    '1.2.3',
    '1.2.3.256',
    '1.2.3.4.5',
    '::1::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    'g::1',
    'localhost',
    '1::2:3:4:5:6:7:8',
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeNull()
  })
})

describe('CIDR matching', () => {
  const match = (cidr: string, ip: string) => inRange(parseIp(ip) ?? [], parseCidr(cidr))
  it.each([
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.168.1.0/25', '192.168.1.127', true],
    ['192.168.1.0/25', '192.168.1.128', false],
    ['127.0.0.1', '::ffff:127.0.0.1', true],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['fd00::/7', 'fc12::1', true],
    ['::1', '::1', true],
    ['::1', '::2', false],
    ['::/0', '1.2.3.4', true],
  ])('%s contains %s: %s', (cidr, ip, expected) => {
    expect(match(cidr, ip)).toBe(expected)
  })

  it.each(['10.0.0.0/33', '::/129', 'nope', '1.2.3.4/8/1', '1.2.3.4/'])(
    'refuses %j at construction',
    (cidr) => {
      expect(() => parseCidr(cidr)).toThrow(TypeError)
    },
  )
})

describe('clientIpResolver', () => {
  it('uses the socket address and ignores X-Forwarded-For without trustProxy', () => {
    expect(clientIpResolver(0).clientIp('10.0.0.1', '1.2.3.4')).toBe('10.0.0.1')
    expect(clientIpResolver(0).trustsPeer('10.0.0.1')).toBe(false)
    expect(clientIpResolver(0).clientIp(undefined, '1.2.3.4')).toBeNull()
  })

  it('walks a hop count from the right', () => {
    const one = clientIpResolver(1)
    expect(one.clientIp('10.0.0.1', '6.6.6.6, 1.2.3.4')).toBe('1.2.3.4')
    expect(one.clientIp('10.0.0.1', undefined)).toBe('10.0.0.1')
    expect(one.trustsPeer('10.0.0.1')).toBe(true)
    expect(clientIpResolver(2).clientIp('10.0.0.1', '6.6.6.6, 1.2.3.4, 10.0.0.2')).toBe('1.2.3.4')
    // More hops than entries: the leftmost entry is as far as anyone can say.
    expect(clientIpResolver(5).clientIp('10.0.0.1', '1.2.3.4')).toBe('1.2.3.4')
  })

  it('walks a CIDR list past trusted proxies only', () => {
    const list = clientIpResolver(['10.0.0.0/8', '::1'])
    expect(list.clientIp('10.0.0.1', '6.6.6.6, 1.2.3.4, 10.9.9.9')).toBe('1.2.3.4')
    expect(list.clientIp('::1', '2001:db8::5')).toBe('2001:db8::5')
    expect(list.clientIp('8.8.8.8', '1.2.3.4')).toBe('8.8.8.8')
    expect(list.clientIp('10.0.0.1', '10.0.0.2, 10.0.0.3')).toBe('10.0.0.2')
    expect(list.trustsPeer('10.1.1.1')).toBe(true)
    expect(list.trustsPeer('8.8.8.8')).toBe(false)
  })

  it('strips ports and never returns garbage where the client should be', () => {
    expect(clientIpResolver(1).clientIp('10.0.0.1', '1.2.3.4:5678')).toBe('1.2.3.4')
    expect(clientIpResolver(1).clientIp('10.0.0.1', '[2001:db8::1]:443')).toBe('2001:db8::1')
    expect(clientIpResolver(1).clientIp('10.0.0.1', 'not-an-ip')).toBe('10.0.0.1')
    expect(clientIpResolver(['10.0.0.0/8']).clientIp('10.0.0.1', '<script>, 10.0.0.2')).toBe('10.0.0.2')
  })
})

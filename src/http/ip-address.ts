// IP parsing and CIDR matching for the trustProxy walk: small enough to own, and node:net's BlockList
// does not treat IPv4-mapped IPv6 addresses (what a dual-stack socket reports) as their IPv4 form.

/** An address as 16 bytes: IPv4 is stored IPv4-mapped (::ffff:a.b.c.d) so one matcher handles both. */
type Bytes = number[]

function parseIpv4(text: string): Bytes | null {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null
  const octets = parts.map(Number)
  return octets.every((o) => o <= 255) ? octets : null
}

function parseHextets(text: string): number[] | null {
  if (text === '') return []
  const groups = text.split(':')
  return groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g)) ? groups.map((g) => Number.parseInt(g, 16)) : null
}

function parseIpv6(input: string): Bytes | null {
  let text = input
  const zone = text.indexOf('%')
  if (zone >= 0) text = text.slice(0, zone)
  const lastColon = text.lastIndexOf(':')
  const tail = text.slice(lastColon + 1)
  if (tail.includes('.')) {
    // An embedded IPv4 tail (::ffff:1.2.3.4) is rewritten as two hextets so one parser handles both spellings.
    const o = parseIpv4(tail)
    if (o === null) return null
    const hex = (a = 0, b = 0) => ((a << 8) | b).toString(16)
    text = `${text.slice(0, lastColon + 1)}${hex(o[0], o[1])}:${hex(o[2], o[3])}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return null
  const head = parseHextets(halves[0] ?? '')
  const rest = halves.length === 2 ? parseHextets(halves[1] ?? '') : []
  if (head === null || rest === null) return null
  const missing = 8 - head.length - rest.length
  // "::" stands for one or more zero groups (RFC 4291 §2.2); without it there must be exactly eight.
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null
  const groups = [...head, ...new Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...rest]
  return groups.flatMap((g) => [g >> 8, g & 255])
}

/** Parses an IPv4 or IPv6 address (brackets and zone allowed) into 16 bytes; null when it is not one. */
export function parseIp(input: string): Bytes | null {
  let text = input.trim()
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1)
  if (text.length === 0 || text.length > 64) return null
  if (!text.includes(':')) {
    const v4 = parseIpv4(text)
    return v4 === null ? null : [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, ...v4]
  }
  return parseIpv6(text)
}

/** True for a string that is an IPv4 or IPv6 address. */
export function isIp(text: string): boolean {
  return parseIp(text) !== null
}

/** A compiled address range: `10.0.0.0/8`, `fd00::/8`, or a single address. */
export interface IpRange {
  bytes: Bytes
  /** Prefix length in bits over the 16-byte form (IPv4 prefixes are shifted by 96). */
  bits: number
}

/** Parses `address[/prefix]`; throws a TypeError for anything else (a config mistake). */
export function parseCidr(text: string): IpRange {
  const [address = '', prefix, extra] = text.trim().split('/')
  const bytes = parseIp(address)
  const isV4 = !address.includes(':')
  const max = isV4 ? 32 : 128
  const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN
  if (bytes === null || extra !== undefined || !(bits >= 0 && bits <= max))
    throw new TypeError(`http.trustProxy: not an IP address or CIDR range: ${text}`)
  return { bytes, bits: isV4 ? bits + 96 : bits }
}

/** True when `ip` (already parsed) lies inside `range`. */
export function inRange(ip: Bytes, range: IpRange): boolean {
  for (let bit = 0; bit < range.bits; bit += 8) {
    const width = Math.min(8, range.bits - bit)
    const mask = (0xff << (8 - width)) & 0xff
    const index = bit >> 3
    if (((ip[index] ?? 0) & mask) !== ((range.bytes[index] ?? 0) & mask)) return false
  }
  return true
}

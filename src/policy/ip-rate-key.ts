// Pure string code, no node:net, so the policy entry runs in browsers and edge runtimes too.

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return null
  const octets = parts.map(Number)
  return octets.every((octet) => octet <= 255) ? octets : null
}

function parseGroups(text: string): number[] | null {
  if (text === '') return []
  const groups = text.split(':')
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null
  return groups.map((group) => Number.parseInt(group, 16))
}

/** Parses an IPv6 address (compressed, bracketed, zoned or with an IPv4 tail) into its eight 16-bit groups. */
function parseIpv6(input: string): number[] | null {
  let text = input.trim().toLowerCase()
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1)
  // A zone (fe80::1%eth0) names the local interface; it is not part of the address.
  const zone = text.indexOf('%')
  if (zone >= 0) text = text.slice(0, zone)
  const lastColon = text.lastIndexOf(':')
  const tail = text.slice(lastColon + 1)
  if (tail.includes('.')) {
    // Rewrite an embedded IPv4 tail (::ffff:1.2.3.4) as two hex groups so one parser handles both spellings.
    const octets = parseIpv4(tail)
    if (octets === null) return null
    const [a = 0, b = 0, c = 0, d = 0] = octets
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return null
  const head = parseGroups(halves[0] ?? '')
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : []
  if (head === null || rest === null) return null
  if (halves.length === 1) return head.length === 8 ? head : null
  // "::" stands for one or more zero groups (RFC 4291 §2.2).
  const missing = 8 - head.length - rest.length
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...rest] : null
}

/**
 * The rate-limit key of a client IP: IPv4 unchanged, IPv4-mapped IPv6 as its IPv4, other IPv6 grouped by /64
 * (`2001:db8:0:0::/64`); a string that is not an IPv6 address is returned unchanged.
 */
export function ipRateKey(ip: string): string {
  if (!ip.includes(':')) return ip
  const groups = parseIpv6(ip)
  if (groups === null) return ip
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups
  // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; they must share the bucket of a.b.c.d, or one
  // client gets two budgets depending on how the server listens.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    return `${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`
  }
  // One subscriber usually holds a whole /64 (often a /56 or /48), so limiting single IPv6 addresses would hand
  // an attacker 2^64 fresh budgets; the /64 is the smallest unit one customer reliably gets (OWASP, RFC 6177).
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`
}

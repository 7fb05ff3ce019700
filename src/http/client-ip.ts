import { inRange, type IpRange, isIp, parseCidr, parseIp } from './ip-address.js'

/** The `http.trustProxy` setting: a hop count, or the addresses/CIDR ranges of trusted proxies. */
export type TrustProxy = number | readonly string[]

/** Resolves client IPs and the trust of forwarded headers for one `trustProxy` setting. */
export interface ClientIpResolver {
  /** The client address: the socket's, or the X-Forwarded-For entry that `trustProxy` allows. */
  clientIp(remoteAddress: string | undefined, forwardedFor: string | undefined): string | null
  /** True when the socket peer is a trusted proxy, so its X-Forwarded-* headers may be believed. */
  trustsPeer(remoteAddress: string | undefined): boolean
}

/** Strips a port (`1.2.3.4:80`, `[::1]:80`) that some proxies add to X-Forwarded-For entries. */
function stripPort(entry: string): string {
  const text = entry.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text)
  if (bracketed) return bracketed[1] ?? text
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text)
  return v4 ? (v4[1] ?? text) : text
}

/** Builds the resolver; a malformed CIDR in the list throws at construction (a config mistake). */
export function clientIpResolver(trustProxy: TrustProxy): ClientIpResolver {
  const ranges: IpRange[] | null = typeof trustProxy === 'number' ? null : trustProxy.map(parseCidr)
  const hops = typeof trustProxy === 'number' ? trustProxy : 0

  const trusted = (address: string): boolean => {
    if (ranges === null) return false
    const bytes = parseIp(address)
    return bytes !== null && ranges.some((r) => inRange(bytes, r))
  }

  return {
    trustsPeer(remoteAddress) {
      if (remoteAddress === undefined) return false
      return ranges === null ? hops > 0 : trusted(remoteAddress)
    },
    clientIp(remoteAddress, forwardedFor) {
      if (remoteAddress === undefined || remoteAddress === '') return null
      if ((ranges === null && hops === 0) || forwardedFor === undefined) return remoteAddress
      // The chain as seen from here: the client first, each proxy after it, the socket peer last. Only the
      // entries appended by proxies we trust are believed; anything further left may be forged by the client.
      const chain = [...forwardedFor.split(',').map(stripPort), remoteAddress]
      let index = chain.length - 1
      if (ranges === null) index = Math.max(0, chain.length - 1 - hops)
      else while (index > 0 && trusted(chain[index] ?? '')) index--
      // A garbage entry where the client should be: fall back to the nearest address a trusted hop wrote.
      while (index < chain.length - 1 && !isIp(chain[index] ?? '')) index++
      return chain[index] ?? remoteAddress
    },
  }
}

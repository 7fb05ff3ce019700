// A deliberately small User-Agent reader: enough to tell a person "Firefox on Linux" in a session list or a
// new-sign-in mail. It never decides anything security-relevant on its own (a User-Agent is client-chosen).
import { ipRateKey } from './ip-rate-key.js'

/** Browsers in match order: Chromium derivatives name themselves before the "Chrome" token they also carry. */
const browsers: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bVivaldi\//, 'Vivaldi'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//, 'curl'],
  [/\b(okhttp|python-requests|axios|node-fetch|undici|Go-http-client|PostmanRuntime)\b/i, 'HTTP client'],
]

/** Systems in match order: Android and ChromeOS before the Linux they also mention, iOS before macOS. */
const systems: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bWindows\b/, 'Windows'],
  [/\bAndroid\b/, 'Android'],
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\b(Macintosh|Mac OS X)\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
]

const firstMatch = (text: string, table: ReadonlyArray<readonly [RegExp, string]>) =>
  table.find(([pattern]) => pattern.test(text))?.[1]

/**
 * A person-readable device label from a User-Agent: "Firefox on Linux", "Safari on iOS", "Chrome", "Unknown
 * device". Pure; the same input always gives the same label (it is part of the new-device fingerprint).
 */
export function deviceLabel(userAgent: string | null | undefined): string {
  const text = (userAgent ?? '').slice(0, 512)
  const browser = firstMatch(text, browsers)
  const system = firstMatch(text, systems)
  if (browser && system) return `${browser} on ${system}`
  return browser ?? system ?? 'Unknown device'
}

/**
 * The network a client address belongs to, coarse enough that a device keeps its identity when its
 * address changes within a home or office network: IPv4 by /24 (`203.0.113.0/24`), IPv6 by /64, an
 * IPv4-mapped IPv6 address as its IPv4. Anything that is not an address is returned as given.
 */
export function ipPrefix(ip: string | null | undefined): string {
  if (!ip) return 'unknown'
  const key = ipRateKey(ip.trim())
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(key)
  return v4 ? `${v4[1]}.${v4[2]}.${v4[3]}.0/24` : key
}

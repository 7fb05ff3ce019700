import { createHmac, timingSafeEqual } from 'node:crypto'

/** The HMAC hash of an OTP (RFC 6238 §1.2 allows SHA-1, SHA-256 and SHA-512). */
export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512'

/** How codes are computed: the hash and the number of decimal digits. */
export interface OtpOptions {
  algorithm: OtpAlgorithm
  digits: number
}

/** A TOTP configuration: the OTP options plus the time step. */
export interface TotpOptions extends OtpOptions {
  /** Length of one time step (RFC 6238 `X`). */
  periodSeconds: number
}

/** What authenticator apps assume when an otpauth URL says nothing else: SHA-1, 6 digits, 30 s. */
export const defaultTotpOptions: Readonly<TotpOptions> = Object.freeze({
  algorithm: 'SHA1',
  digits: 6,
  periodSeconds: 30,
})

const nodeHash = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' } as const

/**
 * The 31-bit value of RFC 4226 §5.3: HMAC of the 8-byte big-endian counter, then dynamic truncation.
 * The OTP is this value modulo 10^digits.
 */
export function hotpValue(key: Uint8Array, counter: number, algorithm: OtpAlgorithm): number {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new TypeError('counter must be a safe integer ≥ 0')
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac(nodeHash[algorithm], key).update(message).digest()
  // The low nibble of the last byte picks where the 4 bytes are read; the top bit is masked off so the
  // value is the same whether a platform reads it signed or unsigned (RFC 4226 §5.3).
  const offset = mac[mac.length - 1]! & 0x0f
  return mac.readUInt32BE(offset) & 0x7fffffff
}

/** An HOTP code (RFC 4226): `digits` decimal digits, left-padded with zeros. */
export function generateHotp(key: Uint8Array, counter: number, options: OtpOptions): string {
  if (!Number.isInteger(options.digits) || options.digits < 6 || options.digits > 10)
    throw new TypeError('digits must be an integer from 6 to 10')
  const value = hotpValue(key, counter, options.algorithm) % 10 ** options.digits
  return String(value).padStart(options.digits, '0')
}

/** The time step containing `nowMs` (RFC 6238 §4.2 with T0 = 0). */
export function totpStep(nowMs: number, periodSeconds: number): number {
  return Math.floor(nowMs / 1000 / periodSeconds)
}

/** The TOTP code at `nowMs` (RFC 6238). */
export function generateTotp(key: Uint8Array, nowMs: number, options: TotpOptions): string {
  return generateHotp(key, totpStep(nowMs, options.periodSeconds), options)
}

/**
 * Checks a TOTP code against the steps `current - windowSteps … current + windowSteps` (clock drift,
 * RFC 6238 §5.2) and returns the step it matches, the latest when several do; null when none does. The
 * caller must still record the step atomically so the code is accepted once (replay, §5.2).
 */
export function matchTotpStep(
  key: Uint8Array,
  code: string,
  nowMs: number,
  options: TotpOptions & { windowSteps: number },
): number | null {
  if (!new RegExp(`^\\d{${options.digits}}$`).test(code)) return null
  const current = totpStep(nowMs, options.periodSeconds)
  const given = Buffer.from(code, 'utf8')
  let matched: number | null = null
  // Every step of the window is computed and compared in constant time, without an early exit.
  for (let step = current - options.windowSteps; step <= current + options.windowSteps; step++) {
    if (step < 0) continue
    const expected = Buffer.from(generateHotp(key, step, options), 'utf8')
    if (timingSafeEqual(expected, given)) matched = step
  }
  return matched
}

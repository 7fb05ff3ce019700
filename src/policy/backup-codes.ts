/**
 * Backup codes: `XXXX-XXXX` in Crockford's Base32 (40 bits each). Crockford's alphabet leaves out I, L, O
 * and U, so a code read aloud or copied by hand survives: I and L are read as 1, O as 0, case is ignored
 * and the hyphen is optional.
 */
const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** Bytes of randomness in one backup code: 5 bytes = 40 bits = 8 Crockford characters. */
export const backupCodeBytes = 5

/** Formats 5 random bytes as a backup code, `XXXX-XXXX`. */
export function formatBackupCode(bytes: Uint8Array): string {
  if (bytes.length !== backupCodeBytes) throw new TypeError(`a backup code takes ${backupCodeBytes} bytes`)
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  let chars = ''
  for (let i = 7; i >= 0; i--) chars += crockford[Number((value >> BigInt(i * 5)) & 31n)]
  return `${chars.slice(0, 4)}-${chars.slice(4)}`
}

/**
 * The canonical form of a typed backup code (8 upper-case Crockford characters, no hyphen), or null when
 * it cannot be one. Hyphens and spaces are dropped; I and L become 1, O becomes 0 (Crockford's decoding).
 */
export function normalizeBackupCode(input: string): string | null {
  if (input.length > 32) return null
  const canonical = input.replace(/[\s-]/g, '').toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0')
  return /^[0-9A-HJKMNP-TV-Z]{8}$/.test(canonical) ? canonical : null
}

/** Whether a submitted code has the shape of a backup code rather than a 6-digit TOTP code. */
export function looksLikeBackupCode(input: string): boolean {
  return !/^\s*\d{6}\s*$/.test(input) && normalizeBackupCode(input) !== null
}

/**
 * Store operations for multi-factor authentication (TOTP, backup codes, trusted devices).
 * Filled in by the MFA work; `Store` extends this interface.
 */
// biome-ignore lint/suspicious/noEmptyInterface: the MFA operations are added here.
export interface MfaStore {}

import type { IssuedTokens, Principal, RequestContext } from './auth-types.js'

/** A trusted device as its owner sees it (`GET /mfa`). */
export interface TrustedDeviceView {
  id: string
  /** ISO 8601 UTC with milliseconds. */
  createdAt: string
  lastUsedAt: string
  userAgent: string | null
}

/** The signed-in user's MFA state (`GET /mfa`). */
export interface MfaStatus {
  totpEnabled: boolean
  /** Unused backup codes left. */
  backupCodesRemaining: number
  trustedDevices: TrustedDeviceView[]
}

/** A fresh TOTP secret to scan or type; pending until `enableTotp` confirms it with a code. */
export interface TotpSetup {
  /** The secret in base32, for typing it in by hand. */
  secret: string
  /** `otpauth://totp/<issuer>:<email>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30` */
  otpauthUrl: string
  /** The otpauth URL as a QR code, an SVG document. */
  qrSvg: string
}

/** The outcome of the second login step: tokens, and a trusted-device token when one was asked for. */
export interface MfaLoginResult {
  tokens: IssuedTokens
  /** Set the `<p>device` cookie with it; null unless `trustDevice` was true. */
  trustedDevice: { token: string; expiresAt: number } | null
}

/** The MFA flows of the auth instance; `Auth` extends this interface. */
export interface MfaAuth {
  /** Whether TOTP is on, how many backup codes are left, and the trusted devices. */
  mfaStatus(principal: Principal): Promise<MfaStatus>
  /** Creates a pending TOTP secret (replacing an earlier pending one); CONFLICT when MFA is already on. */
  setupTotp(principal: Principal, ctx: RequestContext): Promise<TotpSetup>
  /** Turns TOTP on with a code of the pending secret; returns 10 backup codes, shown this once. */
  enableTotp(
    principal: Principal,
    input: { code: string },
    ctx: RequestContext,
  ): Promise<{ backupCodes: string[] }>
  /**
   * Turns MFA off after the password and a code (TOTP or backup code) are checked; removes the secret,
   * the backup codes and every trusted device.
   */
  disableTotp(
    principal: Principal,
    input: { password: string; code: string },
    ctx: RequestContext,
  ): Promise<void>
  /** Replaces every backup code with 10 new ones after the password and a code are checked. */
  regenerateBackupCodes(
    principal: Principal,
    input: { password: string; code: string },
    ctx: RequestContext,
  ): Promise<{ backupCodes: string[] }>
  /**
   * The second login step: the `mfaToken` of `login` plus a TOTP `code` or a `backupCode`. A wrong,
   * reused or expired code or token is MFA_INVALID; ten wrong codes lock the second factor (423).
   */
  completeMfaLogin(
    input: { mfaToken: string; code?: string; backupCode?: string; trustDevice?: boolean },
    ctx: RequestContext,
  ): Promise<MfaLoginResult>
  /** Removes one of the user's trusted devices; another user's (or an unknown) id is NOT_FOUND. */
  revokeTrustedDevice(principal: Principal, id: string, ctx: RequestContext): Promise<void>
}

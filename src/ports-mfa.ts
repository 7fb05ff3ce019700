/**
 * Store operations for multi-factor authentication (TOTP, backup codes, trusted devices); `Store`
 * extends this interface. Each MUST below is tested by the store contract, with races.
 */
import type { BackupCodeRecord, TotpRecord, TrustedDeviceRecord } from './types.js'

/** MFA state: one TOTP factor per user, backup codes, trusted devices. */
export interface MfaStore {
  /**
   * Saves a freshly set-up (pending) TOTP secret, replacing an earlier pending one. Returns false,
   * writing nothing, when the user's TOTP is already enabled: an enabled secret is never overwritten.
   */
  saveTotpSetup(record: TotpRecord): Promise<boolean>
  /** The user's TOTP factor, pending or enabled; null when there is none. */
  findTotp(userId: string): Promise<TotpRecord | null>
  /**
   * Enables the pending TOTP factor if and only if it is still pending with exactly `secretSealed` (a
   * concurrent setup may have replaced it), recording `step` as its last accepted step; returns true.
   * Otherwise changes nothing and returns false. Of concurrent callers exactly one MUST get true.
   */
  enableTotp(userId: string, secretSealed: string, step: number, now: number): Promise<boolean>
  /**
   * Records `step` as the last accepted step of the user's ENABLED factor if and only if no step, or an
   * older one, was accepted before (one conditional update: `last_step IS NULL OR last_step < step`);
   * returns true. So a code is accepted once, and an older step after a newer one is refused. Of
   * concurrent callers with the same step exactly one MUST get true.
   */
  acceptTotpStep(userId: string, step: number): Promise<boolean>
  /** Removes the user's TOTP factor (pending or enabled). */
  deleteTotp(userId: string): Promise<void>

  /**
   * Replaces every backup code of the user (used or not) with `codes`, in one atomic step: the old set is
   * void the moment the new one exists. An empty list removes them all.
   */
  replaceBackupCodes(userId: string, codes: BackupCodeRecord[]): Promise<void>
  /**
   * Spends one unused backup code of the user whose hash is among `codeHashes` (the code's keyed hash under
   * every key of the ring, so codes survive a key rotation): marks it used at `now` and returns true; false
   * when none matches. Of concurrent callers presenting the same code exactly one MUST get true.
   */
  consumeBackupCode(userId: string, codeHashes: string[], now: number): Promise<boolean>
  /** How many unused backup codes the user has left. */
  countBackupCodes(userId: string): Promise<number>

  /** Stores a trusted device. */
  createTrustedDevice(device: TrustedDeviceRecord): Promise<void>
  /** The trusted device with this token hash if it has not expired at `now`; null otherwise. */
  findTrustedDevice(tokenHash: string, now: number): Promise<TrustedDeviceRecord | null>
  /** Sets a trusted device's `lastUsedAt`. */
  touchTrustedDevice(id: string, now: number): Promise<void>
  /** The user's trusted devices that have not expired at `now`, newest first. */
  listTrustedDevices(userId: string, now: number): Promise<TrustedDeviceRecord[]>
  /** Deletes one trusted device of this user; false when there is none with this id for this user. */
  revokeTrustedDevice(userId: string, id: string): Promise<boolean>
  /** Deletes every trusted device of the user; returns how many there were. */
  revokeTrustedDevices(userId: string): Promise<number>
}

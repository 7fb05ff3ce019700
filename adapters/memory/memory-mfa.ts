import type { MfaStore } from '../../src/ports-mfa.js'
import type { TrustedDeviceRecord } from '../../src/types.js'
import { copy, type StateHolder } from './memory-state.js'

const newestFirst = (a: TrustedDeviceRecord, b: TrustedDeviceRecord) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

/**
 * MFA operations on the state in `holder`, without locking: the memory store runs each one under its
 * mutex, so every check-then-write below (the step guard, the backup-code spend) happens without
 * interleaving and has exactly one winner.
 */
export function mfaOps(holder: StateHolder): MfaStore {
  const s = () => holder.state
  const devicesOf = (userId: string, now: number) =>
    [...s().trustedDevices.values()].filter((d) => d.userId === userId && d.expiresAt > now)
  return {
    async saveTotpSetup(record) {
      if (s().totp.get(record.userId)?.enabledAt != null) return false
      s().totp.set(record.userId, copy(record))
      return true
    },
    async findTotp(userId) {
      return copy(s().totp.get(userId) ?? null)
    },
    async enableTotp(userId, secretSealed, step, now) {
      const totp = s().totp.get(userId)
      if (!totp || totp.enabledAt !== null || totp.secretSealed !== secretSealed) return false
      totp.enabledAt = now
      totp.lastStep = step
      return true
    },
    async acceptTotpStep(userId, step) {
      const totp = s().totp.get(userId)
      if (!totp || totp.enabledAt === null) return false
      if (totp.lastStep !== null && totp.lastStep >= step) return false
      totp.lastStep = step
      return true
    },
    async deleteTotp(userId) {
      s().totp.delete(userId)
    },

    async replaceBackupCodes(userId, codes) {
      for (const [id, code] of s().backupCodes) if (code.userId === userId) s().backupCodes.delete(id)
      for (const code of codes) s().backupCodes.set(code.id, copy(code))
    },
    async consumeBackupCode(userId, codeHashes, now) {
      for (const code of s().backupCodes.values()) {
        if (code.userId !== userId || code.usedAt !== null || !codeHashes.includes(code.codeHash)) continue
        code.usedAt = now
        return true
      }
      return false
    },
    async countBackupCodes(userId) {
      let count = 0
      for (const code of s().backupCodes.values()) if (code.userId === userId && code.usedAt === null) count++
      return count
    },

    async createTrustedDevice(device) {
      s().trustedDevices.set(device.id, copy(device))
    },
    async findTrustedDevice(tokenHash, now) {
      for (const device of s().trustedDevices.values())
        if (device.tokenHash === tokenHash && device.expiresAt > now) return copy(device)
      return null
    },
    async touchTrustedDevice(id, now) {
      const device = s().trustedDevices.get(id)
      if (device) device.lastUsedAt = now
    },
    async listTrustedDevices(userId, now) {
      return copy(devicesOf(userId, now).sort(newestFirst))
    },
    async revokeTrustedDevice(userId, id) {
      const device = s().trustedDevices.get(id)
      if (!device || device.userId !== userId) return false
      s().trustedDevices.delete(id)
      return true
    },
    async revokeTrustedDevices(userId) {
      let count = 0
      for (const [id, device] of s().trustedDevices)
        if (device.userId === userId) {
          s().trustedDevices.delete(id)
          count++
        }
      return count
    },
  }
}

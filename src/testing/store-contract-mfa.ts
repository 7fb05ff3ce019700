import { describe, expect, it } from 'vitest'
import type { Store } from '../ports.js'
import { user as fixtureUser, t0 } from './store-contract-fixtures.js'
import type { BackupCodeRecord, TotpRecord, TrustedDeviceRecord, UserRecord } from '../types.js'

const day = 86_400_000

/** A verified, passwordless `employee` account (the defaults these tests rely on). */
const user = (id: string): UserRecord =>
  fixtureUser(id, `${id}@example.com`, {
    name: null,
    passwordHash: null,
    emailVerifiedAt: t0,
    roles: ['employee'],
  })

const totp = (userId: string, overrides: Partial<TotpRecord> = {}): TotpRecord => ({
  userId,
  secretSealed: `sealed-${userId}`,
  enabledAt: null,
  lastStep: null,
  createdAt: t0,
  ...overrides,
})

const code = (id: string, userId: string, codeHash = `hash-${id}`): BackupCodeRecord => ({
  id,
  userId,
  codeHash,
  createdAt: t0,
  usedAt: null,
})

const device = (
  id: string,
  userId: string,
  overrides: Partial<TrustedDeviceRecord> = {},
): TrustedDeviceRecord => ({
  id,
  userId,
  tokenHash: `device-${id}`,
  createdAt: t0,
  lastUsedAt: t0,
  expiresAt: t0 + 30 * day,
  userAgent: 'Firefox',
  ip: '203.0.113.7',
  ...overrides,
})

const times = <T>(n: number, fn: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => fn(i))

/**
 * The MFA part of the store contract (TOTP factor, backup codes, trusted devices); `storeContract` runs it
 * inside its own suite, whose `beforeEach` provides a fresh store through `current`.
 */
export function mfaStoreContract(current: () => Store): void {
  const withUser = async (...ids: string[]) => {
    for (const id of ids) await current().createUser(user(id))
  }
  const enabled = async (userId: string, step = 100) => {
    const store = current()
    await store.saveTotpSetup(totp(userId))
    expect(await store.enableTotp(userId, `sealed-${userId}`, step, t0 + 1)).toBe(true)
  }

  describe('mfa: TOTP factor', () => {
    it('saves a pending setup, replaces it while pending, and never overwrites an enabled one', async () => {
      const store = current()
      await withUser('u1')
      expect(await store.findTotp('u1')).toBeNull()
      expect(await store.saveTotpSetup(totp('u1', { secretSealed: 'first' }))).toBe(true)
      expect(await store.saveTotpSetup(totp('u1', { secretSealed: 'second', createdAt: t0 + 5 }))).toBe(true)
      expect(await store.findTotp('u1')).toEqual(totp('u1', { secretSealed: 'second', createdAt: t0 + 5 }))
      // Enabling needs the secret the code was checked against: a replaced one does not enable.
      expect(await store.enableTotp('u1', 'first', 10, t0 + 6)).toBe(false)
      expect(await store.enableTotp('u1', 'second', 10, t0 + 6)).toBe(true)
      expect(await store.enableTotp('u1', 'second', 11, t0 + 7)).toBe(false)
      expect(await store.findTotp('u1')).toEqual(
        totp('u1', { secretSealed: 'second', createdAt: t0 + 5, enabledAt: t0 + 6, lastStep: 10 }),
      )
      expect(await store.saveTotpSetup(totp('u1', { secretSealed: 'third' }))).toBe(false)
      expect((await store.findTotp('u1'))?.secretSealed).toBe('second')
      await store.deleteTotp('u1')
      expect(await store.findTotp('u1')).toBeNull()
      expect(await store.saveTotpSetup(totp('u1', { secretSealed: 'third' }))).toBe(true)
    })

    it('accepts a step once, refuses an older step after a newer one, and only when enabled', async () => {
      const store = current()
      await withUser('u1', 'u2')
      await store.saveTotpSetup(totp('u2'))
      expect(await store.acceptTotpStep('u2', 5)).toBe(false)
      expect(await store.acceptTotpStep('nobody', 5)).toBe(false)
      await enabled('u1', 100)
      expect(await store.acceptTotpStep('u1', 100)).toBe(false)
      expect(await store.acceptTotpStep('u1', 101)).toBe(true)
      expect(await store.acceptTotpStep('u1', 101)).toBe(false)
      expect(await store.acceptTotpStep('u1', 100)).toBe(false)
      expect(await store.acceptTotpStep('u1', 103)).toBe(true)
      expect(await store.acceptTotpStep('u1', 102)).toBe(false)
      expect((await store.findTotp('u1'))?.lastStep).toBe(103)
    })

    it('race: of 50 parallel acceptTotpStep calls with one step exactly one wins', async () => {
      const store = current()
      await withUser('u1')
      await enabled('u1', 100)
      const results = await Promise.all(times(50, () => store.acceptTotpStep('u1', 57_000_000)))
      expect(results.filter(Boolean)).toHaveLength(1)
      expect((await store.findTotp('u1'))?.lastStep).toBe(57_000_000)
    })

    it('race: of 20 parallel enableTotp calls exactly one wins', async () => {
      const store = current()
      await withUser('u1')
      await store.saveTotpSetup(totp('u1'))
      const results = await Promise.all(times(20, (i) => store.enableTotp('u1', 'sealed-u1', 10 + i, t0)))
      expect(results.filter(Boolean)).toHaveLength(1)
    })
  })

  describe('mfa: backup codes', () => {
    it('spends a code once by any of its candidate hashes, per user, and counts what is left', async () => {
      const store = current()
      await withUser('u1', 'u2')
      await store.replaceBackupCodes('u1', [code('c1', 'u1'), code('c2', 'u1'), code('c3', 'u1')])
      await store.replaceBackupCodes('u2', [code('d1', 'u2', 'hash-shared')])
      expect(await store.countBackupCodes('u1')).toBe(3)
      expect(await store.consumeBackupCode('u1', ['hash-old-key', 'hash-c2'], t0 + 1)).toBe(true)
      expect(await store.consumeBackupCode('u1', ['hash-c2'], t0 + 2)).toBe(false)
      expect(await store.consumeBackupCode('u1', ['hash-shared'], t0 + 2)).toBe(false)
      expect(await store.consumeBackupCode('u1', [], t0 + 2)).toBe(false)
      expect(await store.countBackupCodes('u1')).toBe(2)
      expect(await store.countBackupCodes('u2')).toBe(1)
    })

    it('replacing voids the whole old set, used codes included; an empty list removes them all', async () => {
      const store = current()
      await withUser('u1')
      await store.replaceBackupCodes('u1', [code('c1', 'u1'), code('c2', 'u1')])
      await store.consumeBackupCode('u1', ['hash-c1'], t0 + 1)
      await store.replaceBackupCodes('u1', [code('n1', 'u1'), code('n2', 'u1'), code('n3', 'u1')])
      expect(await store.consumeBackupCode('u1', ['hash-c2'], t0 + 2)).toBe(false)
      expect(await store.countBackupCodes('u1')).toBe(3)
      expect(await store.consumeBackupCode('u1', ['hash-n3'], t0 + 2)).toBe(true)
      await store.replaceBackupCodes('u1', [])
      expect(await store.countBackupCodes('u1')).toBe(0)
    })

    it('race: of 50 parallel consumes of one backup code exactly one wins', async () => {
      const store = current()
      await withUser('u1')
      await store.replaceBackupCodes(
        'u1',
        times(10, (i) => code(`c${i}`, 'u1')),
      )
      const results = await Promise.all(times(50, () => store.consumeBackupCode('u1', ['hash-c4'], t0 + 1)))
      expect(results.filter(Boolean)).toHaveLength(1)
      expect(await store.countBackupCodes('u1')).toBe(9)
    })
  })

  describe('mfa: trusted devices', () => {
    it('finds unexpired devices by token hash, lists them newest first, touches and revokes them', async () => {
      const store = current()
      await withUser('u1', 'u2')
      const a = device('a', 'u1')
      const b = device('b', 'u1', { createdAt: t0 + 1, lastUsedAt: t0 + 1, userAgent: null, ip: null })
      const old = device('old', 'u1', { expiresAt: t0 + day })
      await store.createTrustedDevice(a)
      await store.createTrustedDevice(b)
      await store.createTrustedDevice(old)
      await store.createTrustedDevice(device('c', 'u2'))
      expect(await store.findTrustedDevice('device-a', t0 + 2)).toEqual(a)
      expect(await store.findTrustedDevice('device-old', t0 + day)).toBeNull()
      expect(await store.findTrustedDevice('device-none', t0)).toBeNull()
      expect(await store.listTrustedDevices('u1', t0 + day)).toEqual([b, a])
      await store.touchTrustedDevice('a', t0 + 50)
      expect((await store.findTrustedDevice('device-a', t0 + 51))?.lastUsedAt).toBe(t0 + 50)

      expect(await store.revokeTrustedDevice('u2', 'a')).toBe(false)
      expect(await store.revokeTrustedDevice('u1', 'a')).toBe(true)
      expect(await store.revokeTrustedDevice('u1', 'a')).toBe(false)
      expect(await store.findTrustedDevice('device-a', t0)).toBeNull()
      expect(await store.revokeTrustedDevices('u1')).toBe(2)
      expect(await store.listTrustedDevices('u1', t0)).toEqual([])
      expect((await store.listTrustedDevices('u2', t0)).map((d) => d.id)).toEqual(['c'])
    })

    it('purgeExpired deletes expired devices only', async () => {
      const store = current()
      await withUser('u1')
      await store.createTrustedDevice(device('gone', 'u1', { expiresAt: t0 + day }))
      await store.createTrustedDevice(device('kept', 'u1', { expiresAt: t0 + day + 1 }))
      const counts = await store.purgeExpired({ now: t0 + day, auditBefore: 0, sealedBefore: 0 })
      expect(counts.trustedDevices).toBe(1)
      expect((await store.listTrustedDevices('u1', 0)).map((d) => d.id)).toEqual(['kept'])
    })

    it('rolls MFA writes back with the transaction', async () => {
      const store = current()
      await withUser('u1')
      await enabled('u1', 100)
      await expect(
        store.transaction(async (tx) => {
          expect(await tx.acceptTotpStep('u1', 200)).toBe(true)
          await tx.replaceBackupCodes('u1', [code('c1', 'u1')])
          await tx.createTrustedDevice(device('a', 'u1'))
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      expect((await store.findTotp('u1'))?.lastStep).toBe(100)
      expect(await store.countBackupCodes('u1')).toBe(0)
      expect(await store.listTrustedDevices('u1', t0)).toEqual([])
    })
  })
}

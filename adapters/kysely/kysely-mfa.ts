import type { Selectable } from 'kysely'
import type { MfaStore } from '../../src/ports-mfa.js'
import type { TotpRecord, TrustedDeviceRecord } from '../../src/types.js'
import type { StoreContext } from './context.js'
import { num, numOrNull } from './rows.js'
import type { MfaTable, TrustedDevicesTable } from './schema.js'

const toTotp = (r: Selectable<MfaTable>): TotpRecord => ({
  userId: r.user_id,
  secretSealed: r.secret_sealed,
  enabledAt: numOrNull(r.enabled_at),
  lastStep: numOrNull(r.last_step),
  createdAt: num(r.created_at),
})

const toDevice = (r: Selectable<TrustedDevicesTable>): TrustedDeviceRecord => ({
  id: r.id,
  userId: r.user_id,
  tokenHash: r.token_hash,
  createdAt: num(r.created_at),
  lastUsedAt: num(r.last_used_at),
  expiresAt: num(r.expires_at),
  userAgent: r.user_agent,
  ip: r.ip,
})

/**
 * MFA operations on the Kysely store. Every "exactly one winner" below is one conditional UPDATE: the
 * database's row lock makes concurrent callers evaluate the condition one after another.
 */
export function mfaOps({ db, dialect, atomic }: StoreContext): MfaStore {
  const replacePending = (on: typeof db, record: TotpRecord) =>
    on
      .updateTable('pc_mfa')
      .set({ secret_sealed: record.secretSealed, last_step: null, created_at: record.createdAt })
      .where('user_id', '=', record.userId)
      .where('enabled_at', 'is', null)
      .executeTakeFirst()
  return {
    async saveTotpSetup(record) {
      return atomic(async (tx) => {
        if ((await replacePending(tx, record)).numUpdatedRows === 1n) return true
        const row = {
          user_id: record.userId,
          secret_sealed: record.secretSealed,
          enabled_at: null,
          last_step: null,
          created_at: record.createdAt,
        }
        // A conflict must not raise (a failed statement aborts a Postgres transaction): insert-or-nothing.
        const insert = tx.insertInto('pc_mfa').values(row)
        const inserted = await (dialect === 'postgres'
          ? insert.onConflict((oc) => oc.column('user_id').doNothing())
          : insert.ignore()
        ).executeTakeFirst()
        if (inserted.numInsertedOrUpdatedRows === 1n) return true
        // A concurrent setup inserted first: replace its pending secret, unless it is enabled meanwhile.
        return (await replacePending(tx, record)).numUpdatedRows === 1n
      })
    },
    async findTotp(userId) {
      const row = await db.selectFrom('pc_mfa').selectAll().where('user_id', '=', userId).executeTakeFirst()
      return row ? toTotp(row) : null
    },
    async enableTotp(userId, secretSealed, step, now) {
      const result = await db
        .updateTable('pc_mfa')
        .set({ enabled_at: now, last_step: step })
        .where('user_id', '=', userId)
        .where('enabled_at', 'is', null)
        .where('secret_sealed', '=', secretSealed)
        .executeTakeFirst()
      return result.numUpdatedRows === 1n
    },
    async acceptTotpStep(userId, step) {
      // The whole replay guard is this condition: a step is accepted once, and never after a newer one.
      const result = await db
        .updateTable('pc_mfa')
        .set({ last_step: step })
        .where('user_id', '=', userId)
        .where('enabled_at', 'is not', null)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .executeTakeFirst()
      return result.numUpdatedRows === 1n
    },
    async deleteTotp(userId) {
      await db.deleteFrom('pc_mfa').where('user_id', '=', userId).execute()
    },

    async replaceBackupCodes(userId, codes) {
      await atomic(async (tx) => {
        await tx.deleteFrom('pc_backup_codes').where('user_id', '=', userId).execute()
        if (codes.length === 0) return
        await tx
          .insertInto('pc_backup_codes')
          .values(
            codes.map((c) => ({
              id: c.id,
              user_id: c.userId,
              code_hash: c.codeHash,
              created_at: c.createdAt,
              used_at: c.usedAt,
            })),
          )
          .execute()
      })
    },
    async consumeBackupCode(userId, codeHashes, now) {
      if (codeHashes.length === 0) return false
      const result = await db
        .updateTable('pc_backup_codes')
        .set({ used_at: now })
        .where('user_id', '=', userId)
        .where('code_hash', 'in', codeHashes)
        .where('used_at', 'is', null)
        .executeTakeFirst()
      return result.numUpdatedRows > 0n
    },
    async countBackupCodes(userId) {
      const row = await db
        .selectFrom('pc_backup_codes')
        .select((eb) => eb.fn.countAll().as('count'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow()
      return num(row.count as number | string | bigint)
    },

    async createTrustedDevice(d) {
      await db
        .insertInto('pc_trusted_devices')
        .values({
          id: d.id,
          user_id: d.userId,
          token_hash: d.tokenHash,
          created_at: d.createdAt,
          last_used_at: d.lastUsedAt,
          expires_at: d.expiresAt,
          user_agent: d.userAgent,
          ip: d.ip,
        })
        .execute()
    },
    async findTrustedDevice(tokenHash, now) {
      const row = await db
        .selectFrom('pc_trusted_devices')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('expires_at', '>', now)
        .executeTakeFirst()
      return row ? toDevice(row) : null
    },
    async touchTrustedDevice(id, now) {
      await db.updateTable('pc_trusted_devices').set({ last_used_at: now }).where('id', '=', id).execute()
    },
    async listTrustedDevices(userId, now) {
      const rows = await db
        .selectFrom('pc_trusted_devices')
        .selectAll()
        .where('user_id', '=', userId)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute()
      return rows.map(toDevice)
    },
    async revokeTrustedDevice(userId, id) {
      const result = await db
        .deleteFrom('pc_trusted_devices')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return result.numDeletedRows > 0n
    },
    async revokeTrustedDevices(userId) {
      const result = await db
        .deleteFrom('pc_trusted_devices')
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}

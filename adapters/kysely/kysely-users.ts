import { sql } from 'kysely'
import type { Store } from '../../src/ports.js'
import type { UserPatch } from '../../src/types.js'
import type { StoreContext } from './context.js'
import { isUniqueViolation } from './dialect.js'
import { num, rowMappers, toUser } from './rows.js'

/** The user operations. */
export type UserOps = Pick<
  Store,
  'createUser' | 'findUserById' | 'findUserByEmail' | 'updateUser' | 'incrementTokenVersion'
>

/** The columns a patch sets (only the keys present in it). */
function patchColumns(patch: UserPatch, bool: (value: boolean) => boolean | number) {
  const set: Record<string, unknown> = {}
  if (patch.email !== undefined) set.email = patch.email
  if (patch.emailNormalized !== undefined) set.email_normalized = patch.emailNormalized
  if (patch.name !== undefined) set.name = patch.name
  if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash
  if (patch.emailVerifiedAt !== undefined) set.email_verified_at = patch.emailVerifiedAt
  if (patch.roles !== undefined) set.roles = JSON.stringify(patch.roles)
  if (patch.status !== undefined) set.status = patch.status
  if (patch.locale !== undefined) set.locale = patch.locale
  if (patch.mfaEnabled !== undefined) set.mfa_enabled = bool(patch.mfaEnabled)
  return set
}

/** User operations on the Kysely store. */
export function userOps({ db, dialect, atomic }: StoreContext): UserOps {
  const rows = rowMappers(dialect)
  const findById = (id: string, on = db) =>
    on.selectFrom('pc_users').selectAll().where('id', '=', id).executeTakeFirst()
  return {
    async createUser(user) {
      const insert = db.insertInto('pc_users').values(rows.userRow(user))
      if (dialect === 'postgres') {
        // A failed statement aborts a whole Postgres transaction, so the conflict must not raise an error
        // when createUser runs inside one: ON CONFLICT DO NOTHING, then count the inserted rows.
        const result = await insert
          .onConflict((oc) => oc.column('email_normalized').doNothing())
          .executeTakeFirst()
        return result.numInsertedOrUpdatedRows === 1n
      }
      try {
        // The unique index decides between concurrent callers: exactly one insert succeeds.
        await insert.execute()
        return true
      } catch (error) {
        if (isUniqueViolation(error)) return false
        throw error
      }
    },
    async findUserById(id) {
      const row = await findById(id)
      return row ? toUser(row) : null
    },
    async findUserByEmail(emailNormalized) {
      const row = await db
        .selectFrom('pc_users')
        .selectAll()
        .where('email_normalized', '=', emailNormalized)
        .executeTakeFirst()
      return row ? toUser(row) : null
    },
    async updateUser(id, patch, now) {
      return atomic(async (tx) => {
        const set = { ...patchColumns(patch, rows.bool), updated_at: now }
        await tx.updateTable('pc_users').set(set).where('id', '=', id).execute()
        const row = await findById(id, tx)
        return row ? toUser(row) : null
      })
    },
    async incrementTokenVersion(userId, now) {
      return atomic(async (tx) => {
        // The increment happens in SQL, so concurrent callers each bump once; the row lock it takes keeps
        // the read below seeing this transaction's own value.
        await tx
          .updateTable('pc_users')
          .set({ token_version: sql<number>`token_version + 1`, updated_at: now })
          .where('id', '=', userId)
          .execute()
        const row = await tx
          .selectFrom('pc_users')
          .select('token_version')
          .where('id', '=', userId)
          .executeTakeFirst()
        if (!row) throw new Error('kysely store: unknown user')
        return num(row.token_version)
      })
    },
  }
}

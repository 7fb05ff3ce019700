import { type Selectable, type SqlBool, sql } from 'kysely'
import type { AdminStore } from '../../src/ports-admin.js'
import type { ApiKeyRecord } from '../../src/types.js'
import type { StoreContext } from './context.js'
import { isUniqueViolation } from './dialect.js'
import { num, numOrNull, toUser } from './rows.js'
import type { ApiKeysTable } from './schema.js'

const apiKeyRow = (k: ApiKeyRecord) => ({
  id: k.id,
  user_id: k.userId,
  name: k.name,
  prefix: k.prefix,
  key_hash: k.keyHash,
  scopes: JSON.stringify(k.scopes),
  allowed_ips: JSON.stringify(k.allowedIps),
  expires_at: k.expiresAt,
  created_at: k.createdAt,
  last_used_at: k.lastUsedAt,
  usage_count: k.usageCount,
  rotated_at: k.rotatedAt,
  revoked_at: k.revokedAt,
})

const toApiKey = (r: Selectable<ApiKeysTable>): ApiKeyRecord => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  prefix: r.prefix,
  keyHash: r.key_hash,
  scopes: JSON.parse(r.scopes),
  allowedIps: JSON.parse(r.allowed_ips),
  expiresAt: numOrNull(r.expires_at),
  createdAt: num(r.created_at),
  lastUsedAt: numOrNull(r.last_used_at),
  usageCount: num(r.usage_count),
  rotatedAt: numOrNull(r.rotated_at),
  revokedAt: numOrNull(r.revoked_at),
})

/** A LIKE pattern for a substring, with `!` as the escape character (the same in SQLite, Postgres and MySQL). */
const containsPattern = (text: string) => `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`

/** Admin, API-key and known-device operations on the Kysely store. */
export function adminOps({ db, dialect, atomic }: StoreContext): AdminStore {
  const keyById = (id: string, on = db) =>
    on.selectFrom('pc_api_keys').selectAll().where('id', '=', id).executeTakeFirst()
  return {
    async listUsers(query) {
      let after: { at: number; id: string } | undefined
      if (query.cursor !== undefined) {
        const row = await db
          .selectFrom('pc_users')
          .select('created_at')
          .where('id', '=', query.cursor)
          .executeTakeFirst()
        // An unknown cursor yields an empty page rather than restarting from the newest user.
        if (!row) return []
        after = { at: num(row.created_at), id: query.cursor }
      }
      const pattern = query.search ? containsPattern(query.search) : undefined
      const found = await db
        .selectFrom('pc_users')
        .selectAll()
        .$if(pattern !== undefined, (q) =>
          q.where((eb) =>
            eb.or([
              sql<SqlBool>`${sql.ref('email_normalized')} like ${pattern} escape '!'`,
              sql<SqlBool>`lower(${sql.ref('name')}) like ${pattern} escape '!'`,
            ]),
          ),
        )
        .$if(after !== undefined, (q) =>
          q.where((eb) => {
            const { at, id } = after as { at: number; id: string }
            return eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])])
          }),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit)
        .execute()
      return found.map(toUser)
    },

    async createApiKey(key) {
      await db.insertInto('pc_api_keys').values(apiKeyRow(key)).execute()
    },
    async findApiKeyByHash(keyHash) {
      const row = await db
        .selectFrom('pc_api_keys')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .executeTakeFirst()
      return row ? toApiKey(row) : null
    },
    async findApiKey(id) {
      const row = await keyById(id)
      return row ? toApiKey(row) : null
    },
    async listApiKeys(userId) {
      const found = await db
        .selectFrom('pc_api_keys')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute()
      return found.map(toApiKey)
    },
    async revokeApiKey(userId, id, now) {
      // Conditional on `revoked_at IS NULL`: of concurrent revokers only one sees a changed row.
      const result = await db
        .updateTable('pc_api_keys')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return result.numUpdatedRows > 0n
    },
    async rotateApiKey({ userId, id, currentHash, nextHash, nextPrefix, now }) {
      return atomic(async (tx) => {
        // Compare-and-set on the hash in one UPDATE: of racing rotations only one still matches `currentHash`.
        const result = await tx
          .updateTable('pc_api_keys')
          .set({ key_hash: nextHash, prefix: nextPrefix, rotated_at: now })
          .where('id', '=', id)
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .where('key_hash', '=', currentHash)
          .executeTakeFirst()
        if (result.numUpdatedRows === 0n) return null
        const row = await keyById(id, tx)
        return row ? toApiKey(row) : null
      })
    },
    async recordApiKeyUsage(batch) {
      if (batch.length === 0) return
      await atomic(async (tx) => {
        for (const use of batch) {
          // Increments happen in SQL, so concurrent flushes from several instances add up.
          await tx
            .updateTable('pc_api_keys')
            .set({
              usage_count: sql<number>`usage_count + ${use.count}`,
              last_used_at: sql<number>`case when last_used_at is null or last_used_at < ${use.lastUsedAt} then ${use.lastUsedAt} else last_used_at end`,
            })
            .where('id', '=', use.id)
            .execute()
        }
      })
    },

    async recordDeviceSighting(userId, fingerprint, now) {
      return atomic(async (tx) => {
        const seen = () =>
          tx
            .updateTable('pc_known_devices')
            .set({ last_seen_at: now })
            .where('user_id', '=', userId)
            .where('fingerprint', '=', fingerprint)
            .where('last_seen_at', '<', now)
            .execute()
        const insert = tx
          .insertInto('pc_known_devices')
          .values({ user_id: userId, fingerprint, first_seen_at: now, last_seen_at: now })
        // The primary key decides between concurrent sign-ins from one device: exactly one insert lands.
        if (dialect === 'mysql') {
          // Not INSERT IGNORE then UPDATE: its duplicate path takes a shared lock that two callers then both try
          // to upgrade for the UPDATE (a deadlock, seen on MariaDB). Lock the row if it exists; otherwise insert,
          // and a loser of that race (duplicate key, holding only a shared lock) asks for no further lock.
          const found = await tx
            .selectFrom('pc_known_devices')
            .select('user_id')
            .where('user_id', '=', userId)
            .where('fingerprint', '=', fingerprint)
            .forUpdate()
            .executeTakeFirst()
          if (found) {
            await seen()
            return 'known'
          }
          try {
            await insert.execute()
          } catch (error) {
            if (isUniqueViolation(error)) return 'known'
            throw error
          }
        } else {
          const result = await insert
            .onConflict((oc) => oc.columns(['user_id', 'fingerprint']).doNothing())
            .executeTakeFirst()
          if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) {
            await seen()
            return 'known'
          }
        }
        const { count } = await tx
          .selectFrom('pc_known_devices')
          .select((eb) => eb.fn.countAll().as('count'))
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow()
        return Number(count) === 1 ? 'first' : 'new'
      })
    },
  }
}

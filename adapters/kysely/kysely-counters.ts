import { type InsertQueryBuilder, type InsertResult, type Kysely, sql } from 'kysely'
import { registerFailure } from '../../src/policy/lockout.js'
import type { LockoutSettings, LockoutState } from '../../src/policy/lockout.js'
import { rateLimitDecision } from '../../src/policy/rate-limit.js'
import type { RateStore } from '../../src/ports.js'
import type { StoreContext } from './context.js'
import type { SqlDialect } from './dialect.js'
import { num, numOrNull } from './rows.js'
import type { PortcullisDatabase } from './schema.js'

type Db = Kysely<PortcullisDatabase>

/**
 * Both counters are read-decide-write inside one transaction, in three steps:
 * 1. insert an empty row for the key unless one exists (ON CONFLICT DO NOTHING; ON DUPLICATE KEY UPDATE
 *    on MySQL), so there is always a row to lock, even for the first hit of a new key;
 * 2. read it — with SELECT … FOR UPDATE on Postgres and MySQL, which makes every concurrent caller on the
 *    key wait until this transaction commits and then read the committed result;
 * 3. apply the pure policy and write the next state.
 * SQLite needs no row lock: Kysely's SqliteDialect runs one transaction at a time on its single
 * connection, and the step-1 write takes SQLite's write lock first, so another process cannot interleave.
 */
function ensureRow<TB extends 'pc_rate_logs' | 'pc_lockouts'>(
  dialect: SqlDialect,
  insert: InsertQueryBuilder<PortcullisDatabase, TB, InsertResult>,
) {
  // MySQL: not INSERT IGNORE, whose duplicate-key path takes a shared lock that two callers would then both
  // try to upgrade for FOR UPDATE (a deadlock); ON DUPLICATE KEY UPDATE takes the exclusive lock at once.
  if (dialect === 'mysql') {
    // Both tables have a string `key`; the cast only spares TypeScript resolving that through the generic.
    const keepKey = { key: sql.ref('key') } as unknown as Parameters<typeof insert.onDuplicateKeyUpdate>[0]
    return insert.onDuplicateKeyUpdate(keepKey).execute()
  }
  return insert.onConflict((oc) => oc.column('key').doNothing()).execute()
}

/**
 * When a lockout row stops mattering and may be purged: once its window and its lock are both over
 * (plus the longest lock in progressive mode, so a key's lock count is not forgotten too early).
 */
function lockoutExpiresAt(state: LockoutState, settings: Readonly<LockoutSettings>): number {
  const end = Math.max(state.windowStartedAt + settings.windowMs, state.lockedUntil ?? 0)
  return settings.progressive ? end + settings.maxLockMs : end
}

/** Rate-limit and lockout operations on the Kysely store. */
export function counterOps({ db, dialect, atomic }: StoreContext): RateStore {
  const lockRow = (tx: Db, key: string) =>
    tx
      .selectFrom('pc_lockouts')
      .selectAll()
      .where('key', '=', key)
      .$if(dialect !== 'sqlite', (q) => q.forUpdate())
      .executeTakeFirst()
  return {
    async hitRateLimit(key, rule, now) {
      return atomic(async (tx) => {
        await ensureRow(dialect, tx.insertInto('pc_rate_logs').values({ key, hits: '[]', expires_at: 0 }))
        const row = await tx
          .selectFrom('pc_rate_logs')
          .select('hits')
          .where('key', '=', key)
          .$if(dialect !== 'sqlite', (q) => q.forUpdate())
          .executeTakeFirst()
        const { decision, hits } = rateLimitDecision(row ? JSON.parse(row.hits) : [], rule, now)
        // The log matters until its newest hit leaves the window (`hits` is sorted).
        const expiresAt = (hits.at(-1) ?? now) + rule.windowMs
        await tx
          .updateTable('pc_rate_logs')
          .set({ hits: JSON.stringify(hits), expires_at: expiresAt })
          .where('key', '=', key)
          .execute()
        return decision
      })
    },
    async getLockout(key) {
      const row = await db.selectFrom('pc_lockouts').selectAll().where('key', '=', key).executeTakeFirst()
      return row ? toLockoutState(row) : undefined
    },
    async registerLoginFailure(key, settings, now) {
      return atomic(async (tx) => {
        const empty = {
          key,
          failures: 0,
          window_started_at: 0,
          locked_until: null,
          lock_count: 0,
          expires_at: 0,
        }
        await ensureRow(dialect, tx.insertInto('pc_lockouts').values(empty))
        const row = await lockRow(tx, key)
        const result = registerFailure(row ? toLockoutState(row) : undefined, settings, now)
        const { state } = result
        await tx
          .updateTable('pc_lockouts')
          .set({
            failures: state.failures,
            window_started_at: state.windowStartedAt,
            locked_until: state.lockedUntil,
            lock_count: state.lockCount,
            expires_at: lockoutExpiresAt(state, settings),
          })
          .where('key', '=', key)
          .execute()
        return result
      })
    },
    async clearLockout(key) {
      await db.deleteFrom('pc_lockouts').where('key', '=', key).execute()
    },
  }
}

/** The stored state, or undefined for a placeholder row (`failures = 0`) that step 1 inserted. */
function toLockoutState(row: {
  failures: number | string | bigint
  window_started_at: number | string | bigint
  locked_until: number | string | bigint | null
  lock_count: number | string | bigint
}): LockoutState | undefined {
  const failures = num(row.failures)
  if (failures === 0) return undefined
  return {
    failures,
    windowStartedAt: num(row.window_started_at),
    lockedUntil: numOrNull(row.locked_until),
    lockCount: num(row.lock_count),
  }
}

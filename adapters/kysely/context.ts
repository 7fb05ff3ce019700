import type { Kysely, TransactionBuilder } from 'kysely'
import type { SqlDialect } from './dialect.js'
import type { PortcullisDatabase } from './schema.js'

/** What every group of Kysely store operations works with. */
export interface StoreContext {
  db: Kysely<PortcullisDatabase>
  dialect: SqlDialect
  /** Runs `fn` in one transaction, or directly when `db` is already a transaction. */
  atomic<T>(fn: (db: Kysely<PortcullisDatabase>) => Promise<T>): Promise<T>
}

/**
 * A transaction of the store. Postgres and MySQL run at READ COMMITTED, whatever the server's default:
 * - the store's atomicity rests on conditional single-statement writes and SELECT … FOR UPDATE, which see the
 *   latest committed row at any level, so nothing stronger is needed;
 * - InnoDB's default REPEATABLE READ takes gap locks on every locking search, and two transactions that lock
 *   the same empty range and then insert into it deadlock (revoke a user's sessions, then create one: a
 *   password change racing a login did so on MariaDB); READ COMMITTED takes no such gap locks;
 * - a server set to SERIALIZABLE would fail the contract's races with serialization errors instead.
 * SQLite has one writer at a time and no isolation levels to choose.
 */
export function beginTransaction<DB>(db: Kysely<DB>, dialect: SqlDialect): TransactionBuilder<DB> {
  const builder = db.transaction()
  return dialect === 'sqlite' ? builder : builder.setIsolationLevel('read committed')
}

/** A context over `db`. */
export function storeContext(db: Kysely<PortcullisDatabase>, dialect: SqlDialect): StoreContext {
  return {
    db,
    dialect,
    atomic: (fn) => (db.isTransaction ? fn(db) : beginTransaction(db, dialect).execute(fn)),
  }
}

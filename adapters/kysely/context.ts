import type { Kysely } from 'kysely'
import type { SqlDialect } from './dialect.js'
import type { PortcullisDatabase } from './schema.js'

/** What every group of Kysely store operations works with. */
export interface StoreContext {
  db: Kysely<PortcullisDatabase>
  dialect: SqlDialect
  /** Runs `fn` in one transaction, or directly when `db` is already a transaction. */
  atomic<T>(fn: (db: Kysely<PortcullisDatabase>) => Promise<T>): Promise<T>
}

/** A context over `db`. */
export function storeContext(db: Kysely<PortcullisDatabase>, dialect: SqlDialect): StoreContext {
  return {
    db,
    dialect,
    atomic: (fn) => (db.isTransaction ? fn(db) : db.transaction().execute(fn)),
  }
}

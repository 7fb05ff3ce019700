import type { Kysely } from 'kysely'
import type { Store } from '../../src/ports.js'
import { beginTransaction, storeContext } from './context.js'
import type { SqlDialect } from './dialect.js'
import { adminOps } from './kysely-admin.js'
import { counterOps } from './kysely-counters.js'
import { logOps } from './kysely-logs.js'
import { mfaOps } from './kysely-mfa.js'
import { oauthOps } from './kysely-oauth.js'
import { oneTimeOps } from './kysely-one-time.js'
import { purgeOps } from './kysely-purge.js'
import { sessionOps } from './kysely-sessions.js'
import { userOps } from './kysely-users.js'
import { migratorFor } from './migrate.js'
import type { PortcullisDatabase } from './schema.js'

/** Options of `kyselyStore`. */
export interface KyselyStoreOptions {
  /** The SQL dialect of `db`: it picks column types, conflict clauses and row locks. */
  dialect: SqlDialect
}

type Ops = Omit<Store, 'transaction' | 'migrate' | 'close'>

function operations(db: Kysely<PortcullisDatabase>, dialect: SqlDialect): Ops {
  const context = storeContext(db, dialect)
  return {
    ...userOps(context),
    ...sessionOps(context),
    ...oneTimeOps(context),
    ...logOps(context),
    ...counterOps(context),
    ...mfaOps(context),
    ...purgeOps(context),
    ...adminOps(context),
    ...oauthOps(context),
  }
}

/** The store bound to an open transaction: nested `transaction` calls join it. */
function transactionStore(trx: Kysely<PortcullisDatabase>, dialect: SqlDialect): Store {
  const store: Store = { ...operations(trx, dialect), transaction: (fn) => fn(store) }
  return store
}

/**
 * A store on the host's own Kysely instance (SQLite, Postgres or MySQL). Tables are prefixed `pc_`;
 * `migrate()` creates them, recording its migrations in `pc_migrations`. The host owns `db`: the store
 * never destroys it.
 */
export function kyselyStore(
  // biome-ignore lint/suspicious/noExplicitAny: the host's Kysely has its own DB type; ours is a subset of it.
  db: Kysely<any>,
  options: KyselyStoreOptions,
): Store {
  const { dialect } = options
  const own = db as Kysely<PortcullisDatabase>
  const store: Store = {
    ...operations(own, dialect),
    transaction: (fn) =>
      // A host may hand over a Kysely transaction: the store then joins it instead of nesting.
      own.isTransaction
        ? fn(store)
        : beginTransaction(own, dialect).execute((trx) => fn(transactionStore(trx, dialect))),
    async migrate() {
      const { error } = await (await migratorFor(db, dialect)).migrateToLatest()
      if (error) throw error
    },
  }
  return store
}

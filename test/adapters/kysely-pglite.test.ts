import { PGlite } from '@electric-sql/pglite'
import { Kysely, PGliteDialect, sql } from 'kysely'
import { afterAll, beforeAll } from 'vitest'
import { kyselyStore } from '../../adapters/kysely/index.js'
import { storeContract } from '../../src/testing/store-contract.js'

// One in-process Postgres (PGlite) for the whole file: starting one costs seconds, so each test gets empty
// tables instead of a fresh database. PGlite has a single connection, so this checks Postgres SQL, types and
// transaction semantics; true parallelism across connections is not exercised here.
let db: Kysely<unknown>
beforeAll(async () => {
  db = new Kysely<unknown>({ dialect: new PGliteDialect({ pglite: new PGlite() }) })
  await kyselyStore(db, { dialect: 'postgres' }).migrate?.()
})
afterAll(async () => {
  await db.destroy()
})

const tables = [
  'pc_users',
  'pc_sessions',
  'pc_refresh_tokens',
  'pc_one_time_tokens',
  'pc_audit_events',
  'pc_outbox',
  'pc_revocations',
  'pc_rate_logs',
  'pc_lockouts',
]

storeContract(
  async () => {
    await sql`truncate ${sql.join(tables.map((t) => sql.table(t)))} restart identity cascade`.execute(db)
    return kyselyStore(db, { dialect: 'postgres' })
  },
  { name: 'postgres (PGlite)' },
)

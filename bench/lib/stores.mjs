// Stores on the databases the cases compare: SQLite through better-sqlite3, Postgres through the root's pg
// (the copy dist/ loads), in databases of their own that each run drops and creates again.
import { lib, rootImport } from './root.mjs'
import { openSqlite } from './setup.mjs'

/** The server the Postgres cases use; the bench's databases are made beside the one named here. */
export const pgUrl = process.env.PORTCULLIS_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

function withDatabase(url, name) {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/** True when the Postgres server answers within 3 s. */
export async function pgAvailable() {
  const { default: pg } = await rootImport('pg')
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Drops and creates database `name` on the Postgres server; returns a pool on it (10 connections). */
export async function freshPgPool(name, max = 10) {
  const { default: pg } = await rootImport('pg')
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  await admin.query(`drop database if exists ${name} with (force)`)
  await admin.query(`create database ${name}`)
  await admin.end()
  const pool = new pg.Pool({ connectionString: withDatabase(pgUrl, name), max })
  pool.on('error', () => undefined)
  return pool
}

/** A portcullis store on a pg pool: `postgresStore(pool)` where the build has it, else `kyselyStore`. */
export async function pgStore(pool) {
  const kysely = await lib('kysely')
  if (typeof kysely.postgresStore === 'function') return kysely.postgresStore(pool)
  const { Kysely, PostgresDialect } = await rootImport('kysely')
  return kysely.kyselyStore(new Kysely({ dialect: new PostgresDialect({ pool }) }), { dialect: 'postgres' })
}

/** A portcullis store on a SQLite file, and the better-sqlite3 handle (for raw statements on the same file). */
export async function sqliteStoreAt(path) {
  const { sqliteStore } = await lib('kysely')
  const db = openSqlite(path)
  return { db, store: sqliteStore(db) }
}

import { randomBytes } from 'node:crypto'
import { Kysely, MysqlDialect, sql } from 'kysely'
import { createPool as createMysqlPool, type Pool as MysqlPool } from 'mysql2'
import pg from 'pg'

// The database servers the store tests run against. CI (.ci/run) starts them and exports these variables, so
// nothing skips there; locally a test file without its variable skips, loudly.

/** `postgres://…` of a server the tests may create databases and schemas on. */
export const pgUrl = process.env.PORTCULLIS_PG_URL || undefined
/** `mysql://…` (MySQL 8 or MariaDB 10.6+) of a server the tests may create databases on. */
export const mysqlUrl = process.env.PORTCULLIS_MYSQL_URL || undefined
/** `redis://…` of a server the tests may write keys to (always under a fresh prefix). */
export const redisUrl = process.env.PORTCULLIS_REDIS_URL || undefined

/** Warns, visibly, that a suite is skipped because its server is not configured; returns whether to skip. */
export function skipWithout(variable: string, value: string | undefined, what: string): boolean {
  if (value !== undefined) return false
  console.warn(
    `\n!!!!!!!!!! SKIPPED: ${what} — ${variable} is not set. Run ../shared/tools/services-up and set ` +
      `${variable} (see .ci/run) to run it. !!!!!!!!!!\n`,
  )
  return true
}

/** A name no other test file (or earlier run) uses: `pc_t_<label>_<random>`, lower case. */
export function uniqueName(label: string): string {
  return `pc_t_${label}_${randomBytes(5).toString('hex')}`
}

/** `url` with its database (the path) replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

/** Runs one statement on a short-lived connection (for CREATE/DROP DATABASE, which cannot run in a pool's tx). */
async function adminPg(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** A fresh Postgres database on the server of `url`; returns its URL and a function that drops it. */
export async function freshPgDatabase(url: string, label: string) {
  const name = uniqueName(label)
  await adminPg(url, `create database ${name}`)
  return {
    name,
    url: withDatabase(url, name),
    // WITH (FORCE) ends connections a killed child process may have left behind.
    drop: () => adminPg(url, `drop database if exists ${name} with (force)`),
  }
}

/**
 * A fresh Postgres schema, and a pg pool of `size` connections whose search_path is that schema (so the
 * store's unqualified tables land there). `drop()` ends the pool and drops the schema.
 */
export async function freshPgSchema(url: string, label: string, size = 10) {
  const schema = uniqueName(label)
  await adminPg(url, `create schema ${schema}`)
  const pool = new pg.Pool({ connectionString: url, max: size, options: `-c search_path=${schema}` })
  pool.on('error', () => undefined)
  return {
    schema,
    pool,
    async drop() {
      await pool.end()
      await adminPg(url, `drop schema if exists ${schema} cascade`)
    },
  }
}

/** A database made for one test file. */
export interface FreshMysqlDatabase {
  name: string
  url: string
  pool: MysqlPool
  drop(): Promise<void>
}

/** A fresh MySQL database, and a mysql2 pool of `size` connections on it. `drop()` ends the pool and drops it. */
export async function freshMysqlDatabase(url: string, label: string, size = 10): Promise<FreshMysqlDatabase> {
  const name = uniqueName(label)
  const admin = new Kysely<unknown>({ dialect: new MysqlDialect({ pool: createMysqlPool({ uri: url }) }) })
  await sql`create database ${sql.id(name)}`.execute(admin)
  const pool = createMysqlPool({ uri: withDatabase(url, name), connectionLimit: size })
  return {
    name,
    url: withDatabase(url, name),
    pool,
    async drop() {
      await new Promise<void>((resolve) => pool.end(() => resolve()))
      await sql`drop database if exists ${sql.id(name)}`.execute(admin)
      await admin.destroy()
    },
  }
}

/** The `pc_` tables (migration bookkeeping excluded) of the database `db` is connected to. */
export async function portcullisTables(
  db: Kysely<unknown>,
  dialect: 'postgres' | 'mysql',
): Promise<string[]> {
  const result =
    dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_name like 'pc\\_%'`.execute(db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = database() and table_name like 'pc\\_%'`.execute(db)
  return result.rows.map((r) => r.name).filter((name) => !name.startsWith('pc_migrations'))
}

/** Empties every `pc_` table (not the migration bookkeeping) between tests. */
export async function emptyTables(db: Kysely<unknown>, dialect: 'postgres' | 'mysql'): Promise<void> {
  const tables = await portcullisTables(db, dialect)
  if (tables.length === 0) return
  if (dialect === 'postgres') {
    await sql`truncate ${sql.join(tables.map((t) => sql.table(t)))} restart identity cascade`.execute(db)
    return
  }
  // DELETE, not TRUNCATE: on small tables it is several times faster (TRUNCATE is DDL on MySQL). The foreign-key
  // checks are off on this connection so the tables can go in any order.
  await db.connection().execute(async (conn) => {
    await sql`set foreign_key_checks = 0`.execute(conn)
    try {
      for (const t of tables) await sql`delete from ${sql.table(t)}`.execute(conn)
    } finally {
      await sql`set foreign_key_checks = 1`.execute(conn)
    }
  })
}

import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Kysely, SqliteDialect } from 'kysely'
import type { Store } from '../../src/ports.js'
import { kyselyStore } from './kysely-store.js'

/** A prepared statement: the subset of better-sqlite3's `Statement` that Kysely's SqliteDialect calls. */
export interface SqliteStatementLike {
  readonly reader: boolean
  all(parameters: ReadonlyArray<unknown>): unknown[]
  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint }
  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown>
}

/**
 * An open SQLite database: the subset of better-sqlite3's `Database` that Kysely's SqliteDialect calls.
 * better-sqlite3 and libsql both fit.
 */
export interface SqliteDatabaseLike {
  close(): void
  prepare(sql: string): SqliteStatementLike
}

interface OpenedDatabase extends SqliteDatabaseLike {
  exec(sql: string): unknown
}
type DatabaseConstructor = new (path: string) => OpenedDatabase

// Tried in this order; whichever the host installed (both are optional peer dependencies).
const drivers = ['better-sqlite3', 'libsql']

async function loadDriver(): Promise<DatabaseConstructor> {
  const failures: unknown[] = []
  for (const name of drivers) {
    try {
      // A variable specifier keeps bundlers and the type checker from requiring the optional package.
      const module = (await import(name)) as { default: DatabaseConstructor }
      return module.default
    } catch (error) {
      // "Not installed" looks different in Node, bundlers and test runners, so any failure moves on;
      // the causes are kept for the case where a driver is installed but broken.
      failures.push(error)
    }
  }
  throw new Error(
    'portcullis: sqliteStore(path) needs a SQLite driver; install better-sqlite3 or libsql (npm install libsql)',
    { cause: failures },
  )
}

async function openFile(path: string): Promise<SqliteDatabaseLike> {
  const Database = await loadDriver()
  if (path !== ':memory:' && !path.startsWith('file:')) await mkdir(dirname(path), { recursive: true })
  const database = new Database(path)
  // WAL lets readers run beside the writer; busy_timeout waits for another process's write lock instead
  // of failing at once; foreign keys are off by default in SQLite.
  database.exec('PRAGMA journal_mode = WAL')
  database.exec('PRAGMA busy_timeout = 5000')
  database.exec('PRAGMA foreign_keys = ON')
  return database
}

/**
 * A store on SQLite. A path opens (and creates) that file with better-sqlite3 or libsql, whichever is
 * installed, and `close()` closes it; a database object is used as is and stays the caller's to close.
 */
export function sqliteStore(database: string | SqliteDatabaseLike): Store {
  const db = sqliteKysely(database)
  const store = kyselyStore(db, { dialect: 'sqlite' })
  if (typeof database !== 'string') return store
  return { ...store, close: () => db.destroy() }
}

/** How many distinct SQL texts keep their prepared statement; the store issues a few dozen. */
const STATEMENT_CACHE_SIZE = 200

/**
 * The database as Kysely's SqliteDialect sees it, with its prepared statements kept: the dialect prepares
 * every query anew, which costs about as much as running a small indexed query. Reusing a statement is safe
 * because the dialect runs one query at a time on its single connection, and the store never streams.
 */
function withStatementCache(database: SqliteDatabaseLike): SqliteDatabaseLike {
  const statements = new Map<string, SqliteStatementLike>()
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = statements.get(sql)
      if (statement === undefined) {
        statement = database.prepare(sql)
        if (statements.size >= STATEMENT_CACHE_SIZE)
          statements.delete(statements.keys().next().value as string)
        statements.set(sql, statement)
      }
      return statement
    },
  }
}

/**
 * A Kysely instance on SQLite: a path opens (and creates) the file on first use, and `destroy()` closes it; a
 * database object is used as given. Used by `sqliteStore` and the CLI.
 */
export function sqliteKysely(database: string | SqliteDatabaseLike): Kysely<unknown> {
  const opened = typeof database === 'string'
  return new Kysely<unknown>({
    dialect: new SqliteDialect({
      database: opened
        ? async () => withStatementCache(await openFile(database))
        : withStatementCache(database),
    }),
  })
}

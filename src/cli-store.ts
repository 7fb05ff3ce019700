import type { Kysely } from 'kysely'
import type { SqlDialect } from '../adapters/kysely/dialect.js'

/** The database the CLI works on, and how to let it go. */
export interface CliDatabase {
  db: Kysely<unknown>
  dialect: SqlDialect
  /** For messages: the kind of database and where, without credentials. */
  describe: string
  close(): Promise<void>
}

/** A URL for messages: scheme, host and database, never the user or password. */
function redact(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return `${url.split(':')[0]}:…`
  }
}

/**
 * The database the CLI works on: the SQLite file given with `--sqlite`, else `DATABASE_URL` (postgres:// or
 * mysql://), else the SQLite file `./.data/auth.db`. The drivers are the optional peer dependencies `pg`,
 * `mysql2` and `better-sqlite3`/`libsql`; a missing one is named in the error.
 */
export async function databaseFromEnvironment(args: string[]): Promise<CliDatabase> {
  const flag = args.indexOf('--sqlite')
  const url = process.env.DATABASE_URL
  if (flag === -1 && url) {
    if (/^postgres(ql)?:\/\//i.test(url)) {
      const { postgresKysely } = await import('../adapters/kysely/postgres.js')
      return opened(postgresKysely(url), 'postgres', `Postgres ${redact(url)}`)
    }
    if (/^mysql:\/\//i.test(url)) {
      const { mysqlKysely } = await import('../adapters/kysely/mysql.js')
      return opened(mysqlKysely(url), 'mysql', `MySQL ${redact(url)}`)
    }
    throw new Error(`DATABASE_URL: unsupported database URL scheme (${url.split(':')[0]}:)`)
  }
  const path = flag === -1 ? './.data/auth.db' : args[flag + 1]
  if (!path || path.startsWith('--')) throw new Error('--sqlite needs a file path')
  const { sqliteKysely } = await import('../adapters/kysely/sqlite.js')
  return opened(sqliteKysely(path), 'sqlite', `SQLite ${path}`)
}

function opened(db: Kysely<unknown>, dialect: SqlDialect, describe: string): CliDatabase {
  return { db, dialect, describe, close: () => db.destroy() }
}

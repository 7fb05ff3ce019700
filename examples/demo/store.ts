import { join } from 'node:path'
import { mysqlStore, postgresStore, sqliteStore } from '../../adapters/kysely/index.js'
import type { Store } from '../../src/index.js'
import { DemoEnvError } from './env.js'

/** Opens the store `DATABASE_URL` names: absent → the SQLite file `<dataDir>/demo.db`. */
export function openDemoStore(
  databaseUrl: string | undefined,
  dataDir: string,
): { store: Store; describe: string } {
  if (databaseUrl === undefined) {
    const path = join(dataDir, 'demo.db')
    return { store: sqliteStore(path), describe: `SQLite ${path}` }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1]?.toLowerCase()
  // Several demo processes on one Postgres or MySQL database share every account and session.
  if (scheme === 'postgres' || scheme === 'postgresql')
    return { store: postgresStore(databaseUrl), describe: `Postgres ${withoutCredentials(databaseUrl)}` }
  if (scheme === 'mysql')
    return { store: mysqlStore(databaseUrl), describe: `MySQL ${withoutCredentials(databaseUrl)}` }
  if (scheme === 'sqlite' || scheme === 'file') {
    // sqlite:./path or file:./path: a SQLite file the user chose.
    const path = databaseUrl.replace(/^(sqlite|file):(\/\/)?/i, '')
    return { store: sqliteStore(path), describe: `SQLite ${path}` }
  }
  throw new DemoEnvError('DATABASE_URL must start with postgres:// or mysql:// (or be unset for SQLite)')
}

/** Host and database of a URL, for the start-up line: never the user or password. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url)
    return `${u.host}${u.pathname}`
  } catch {
    return '(unparsable URL)'
  }
}

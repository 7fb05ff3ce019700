import { join } from 'node:path'
import { sqliteStore } from '../../adapters/kysely/index.js'
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
  if (scheme === 'postgres' || scheme === 'postgresql' || scheme === 'mysql')
    throw new DemoEnvError(
      `DATABASE_URL: ${scheme === 'mysql' ? 'MySQL' : 'Postgres'} stores arrive in a later release of portcullis; ` +
        'unset DATABASE_URL to run the demo on SQLite',
    )
  if (scheme === 'sqlite' || scheme === 'file') {
    // sqlite:./path or file:./path: a SQLite file the user chose.
    const path = databaseUrl.replace(/^(sqlite|file):(\/\/)?/i, '')
    return { store: sqliteStore(path), describe: `SQLite ${path}` }
  }
  throw new DemoEnvError('DATABASE_URL must start with postgres:// or mysql:// (or be unset for SQLite)')
}

import { Kysely, PostgresDialect, type PostgresPool } from 'kysely'
import type { Store } from '../../src/ports.js'
import { kyselyStore } from './kysely-store.js'
import { loadOptionalDriver } from './load-driver.js'

/** A Postgres connection pool: the subset of pg's `Pool` that Kysely's PostgresDialect calls. */
export type PostgresPoolLike = PostgresPool

interface PgPool extends PostgresPool {
  on(event: 'error', listener: (error: Error) => void): unknown
}
interface PgModule {
  Pool: new (config: { connectionString: string }) => PgPool
}

async function openPool(url: string): Promise<PostgresPool> {
  const pg = await loadOptionalDriver<PgModule & { default?: PgModule }>('pg', 'postgresStore(url)')
  const pool = new (pg.default ?? pg).Pool({ connectionString: url })
  // An idle connection that breaks (a server restart, say) is dropped from the pool and reported here; without
  // a listener pg would crash the process. The next query opens a fresh connection or fails with its own error.
  pool.on('error', () => undefined)
  return pool
}

/** Throws for a URL that is not a Postgres one: a mistake in the caller's config, caught before any I/O. */
function checkUrl(url: string): void {
  if (!/^postgres(ql)?:\/\//i.test(url))
    throw new TypeError('postgresStore(url): the URL must start with postgres:// or postgresql://')
}

/**
 * A Kysely instance on Postgres: a URL opens a pool of pg (10 connections, pg's default) on first use, and
 * `destroy()` ends it; a pool is used as given. Used by `postgresStore` and the CLI.
 */
export function postgresKysely(urlOrPool: string | PostgresPoolLike): Kysely<unknown> {
  if (typeof urlOrPool === 'string') checkUrl(urlOrPool)
  const pool = typeof urlOrPool === 'string' ? () => openPool(urlOrPool) : urlOrPool
  return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
}

/**
 * A store on Postgres. A URL (`postgres://user@host:5432/db`) opens a pool of the `pg` package (an optional
 * peer dependency) that the store owns: `close()` ends it. A pool passed in (pg's `Pool`, configured as you
 * like) stays yours: the store has no `close()`, and you end the pool.
 */
export function postgresStore(urlOrPool: string | PostgresPoolLike): Store {
  const db = postgresKysely(urlOrPool)
  const store = kyselyStore(db, { dialect: 'postgres' })
  if (typeof urlOrPool !== 'string') return store
  return { ...store, close: () => db.destroy() }
}

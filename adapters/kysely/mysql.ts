import { Kysely, MysqlDialect, type MysqlPool } from 'kysely'
import type { Store } from '../../src/ports.js'
import { kyselyStore } from './kysely-store.js'
import { loadOptionalDriver } from './load-driver.js'

/** A MySQL/MariaDB connection pool: the subset of mysql2's callback `Pool` that Kysely's MysqlDialect calls. */
export type MysqlPoolLike = MysqlPool

interface Mysql2Module {
  createPool(config: { uri: string; connectionLimit: number }): MysqlPool
}

async function openPool(url: string): Promise<MysqlPool> {
  const mysql = await loadOptionalDriver<Mysql2Module & { default?: Mysql2Module }>(
    'mysql2',
    'mysqlStore(url)',
  )
  return (mysql.default ?? mysql).createPool({ uri: url, connectionLimit: 10 })
}

/** Throws for a URL that is not a MySQL one: a mistake in the caller's config, caught before any I/O. */
function checkUrl(url: string): void {
  if (!/^mysql:\/\//i.test(url)) throw new TypeError('mysqlStore(url): the URL must start with mysql://')
}

/**
 * A Kysely instance on MySQL or MariaDB: a URL opens a mysql2 pool (10 connections) on first use, and
 * `destroy()` ends it; a pool is used as given. Used by `mysqlStore` and the CLI.
 */
export function mysqlKysely(urlOrPool: string | MysqlPoolLike): Kysely<unknown> {
  if (typeof urlOrPool === 'string') checkUrl(urlOrPool)
  const pool = typeof urlOrPool === 'string' ? () => openPool(urlOrPool) : urlOrPool
  return new Kysely<unknown>({ dialect: new MysqlDialect({ pool }) })
}

/**
 * A store on MySQL 8 or MariaDB 10.6+ (InnoDB; `SKIP LOCKED` is needed). A URL (`mysql://user@host:3306/db`)
 * opens a pool of the `mysql2` package (an optional peer dependency) that the store owns: `close()` ends it.
 * A pool passed in (mysql2's callback `createPool(...)`, not its promise wrapper) stays yours.
 */
export function mysqlStore(urlOrPool: string | MysqlPoolLike): Store {
  const db = mysqlKysely(urlOrPool)
  const store = kyselyStore(db, { dialect: 'mysql' })
  if (typeof urlOrPool !== 'string') return store
  return { ...store, close: () => db.destroy() }
}

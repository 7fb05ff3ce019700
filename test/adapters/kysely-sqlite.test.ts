import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { NO_MIGRATIONS } from 'kysely/migration'
import Database from 'libsql'
import { afterAll, describe, expect, it } from 'vitest'
import {
  kyselyStore,
  portcullisMigrations,
  portcullisMigrator,
  sqliteStore,
} from '../../adapters/kysely/index.js'
import { storeContract } from '../../src/testing/store-contract.js'

const dir = mkdtempSync(join(tmpdir(), 'portcullis-sqlite-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const freshPath = () => join(dir, `db-${++files}.sqlite`)

// A fresh temp-file database per test, opened by sqliteStore itself (libsql is the driver installed here).
storeContract(() => sqliteStore(join(dir, `nested/dir/db-${++files}.sqlite`)), { name: 'sqlite (libsql)' })

const tables = async (db: Kysely<unknown>) =>
  (
    await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db)
  ).rows
    .map((r) => r.name)
    .filter((name) => name.startsWith('pc_'))

describe('sqlite migrations', () => {
  it('migrates once, treats a second migrate() as a no-op, and rolls back cleanly', async () => {
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(freshPath()) }) })
    const store = kyselyStore(db, { dialect: 'sqlite' })
    await store.migrate?.()
    const created = await tables(db)
    expect(created).toEqual(
      expect.arrayContaining([
        'pc_users',
        'pc_sessions',
        'pc_refresh_tokens',
        'pc_lockouts',
        'pc_migrations',
      ]),
    )
    await store.migrate?.()
    expect(await tables(db)).toEqual(created)
    const migrations = await sql<{ name: string }>`select name from pc_migrations`.execute(db)
    expect(migrations.rows).toHaveLength(Object.keys(portcullisMigrations('sqlite')).length)

    const { error } = await portcullisMigrator(db, 'sqlite').migrateTo(NO_MIGRATIONS)
    expect(error).toBeUndefined()
    expect(await tables(db)).toEqual(['pc_migrations', 'pc_migrations_lock'])
    await store.migrate?.()
    expect(await tables(db)).toEqual(created)
    await db.destroy()
  })

  it('uses a database object as given and leaves closing it to the caller', async () => {
    const database = new Database(freshPath())
    const store = sqliteStore(database)
    expect(store.close).toBeUndefined()
    await store.migrate?.()
    expect(await store.findUserById('nobody')).toBeNull()
    database.close()
  })
})

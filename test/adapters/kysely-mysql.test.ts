import { Kysely, MysqlDialect } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mysqlStore } from '../../adapters/kysely/index.js'
import { storeContract } from '../../src/testing/store-contract.js'
import { emptyTables, freshMysqlDatabase, mysqlUrl, skipWithout } from '../servers.js'

// The store contract against a real MySQL/MariaDB server, through a mysql2 pool of 10 connections, so the
// contract's races are real races between connections. Each file works in its own database, dropped afterwards.

describe.skipIf(skipWithout('PORTCULLIS_MYSQL_URL', mysqlUrl, 'the MySQL store contract'))(
  'mysqlStore',
  () => {
    let fresh: Awaited<ReturnType<typeof freshMysqlDatabase>>
    let db: Kysely<unknown>
    beforeAll(async () => {
      fresh = await freshMysqlDatabase(mysqlUrl as string, 'contract', 10)
      db = new Kysely<unknown>({ dialect: new MysqlDialect({ pool: fresh.pool }) })
      await mysqlStore(fresh.pool).migrate?.()
    })
    afterAll(async () => {
      await fresh?.drop()
    })

    storeContract(
      async () => {
        await emptyTables(db, 'mysql')
        return mysqlStore(fresh.pool)
      },
      { name: 'mysql (mysql2 pool of 10)' },
    )

    it('opens and closes its own pool from a URL', async () => {
      expect(mysqlStore(fresh.pool).close).toBeUndefined()
      const owned = mysqlStore(fresh.url)
      expect(await owned.findUserById('nobody')).toBeNull()
      await owned.close?.()
    })

    it('refuses a URL of another database at construction', () => {
      expect(() => mysqlStore('postgres://postgres@127.0.0.1/test')).toThrow(TypeError)
    })
  },
)

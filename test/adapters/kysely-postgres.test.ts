import { Kysely, PostgresDialect } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresStore } from '../../adapters/kysely/index.js'
import { storeContract } from '../../src/testing/store-contract.js'
import { emptyTables, freshPgSchema, pgUrl, skipWithout } from '../servers.js'

// The store contract against a real Postgres server, through a pg pool of 10 connections: the races of the
// contract (Promise.all of up to 50 callers) are real races between connections here, unlike on PGlite.
// Each file works in its own schema, dropped afterwards, since test files run in parallel.

describe.skipIf(skipWithout('PORTCULLIS_PG_URL', pgUrl, 'the Postgres store contract'))(
  'postgresStore',
  () => {
    let fresh: Awaited<ReturnType<typeof freshPgSchema>>
    let db: Kysely<unknown>
    beforeAll(async () => {
      fresh = await freshPgSchema(pgUrl as string, 'contract', 10)
      db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: fresh.pool }) })
      await postgresStore(fresh.pool).migrate?.()
    })
    afterAll(async () => {
      await fresh?.drop()
    })

    storeContract(
      async () => {
        await emptyTables(db, 'postgres')
        return postgresStore(fresh.pool)
      },
      { name: 'postgres (pg pool of 10)' },
    )

    it('leaves a pool passed in to the caller, and closes one it opened from a URL', async () => {
      expect(postgresStore(fresh.pool).close).toBeUndefined()
      const owned = postgresStore(pgUrl as string)
      expect(await owned.findUserById('nobody').catch((e: Error) => e.message)).toMatch(/pc_users/)
      await owned.close?.()
    })

    it('keeps the migration records of each schema apart in one database', async () => {
      // Kysely's Migrator, left to itself, takes another schema's pc_migrations for its own.
      const other = await freshPgSchema(pgUrl as string, 'second', 2)
      try {
        await postgresStore(other.pool).migrate?.()
        expect(await postgresStore(other.pool).findUserById('nobody')).toBeNull()
        const { rows } = await other.pool.query('select name from pc_migrations')
        expect(rows.length).toBeGreaterThan(0)
      } finally {
        await other.drop()
      }
    })

    it('refuses a URL of another database at construction', () => {
      expect(() => postgresStore('mysql://root@127.0.0.1/test')).toThrow(TypeError)
    })
  },
)

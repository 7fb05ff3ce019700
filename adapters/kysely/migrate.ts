import { type Kysely, sql } from 'kysely'
import type { Migrator } from 'kysely/migration'
import type { SqlDialect } from './dialect.js'
import { portcullisMigrator } from './migrations.js'

/**
 * The Migrator for the database `db` is connected to. On Postgres it records migrations in the schema the
 * tables land in (the first of the `search_path`), so several installs in one database, one schema each,
 * keep their own records.
 */
export async function migratorFor(
  // biome-ignore lint/suspicious/noExplicitAny: migrations run on the host's Kysely, whatever its DB type.
  db: Kysely<any>,
  dialect: SqlDialect,
): Promise<Migrator> {
  if (dialect !== 'postgres') return portcullisMigrator(db, dialect)
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)
  const schema = rows[0]?.schema
  if (!schema) throw new Error('portcullis: no current schema on Postgres (check the search_path)')
  return portcullisMigrator(db, dialect, { migrationTableSchema: schema })
}

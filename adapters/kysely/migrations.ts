import type { Kysely } from 'kysely'
import { type Migration, Migrator } from 'kysely/migration'
import type { SqlDialect } from './dialect.js'
import { initMigration } from './migration-0001-init.js'
import { adminMigration } from './migration-0002-admin.js'
import { mfaMigration } from './migration-0003-mfa.js'
import { oauthMigration } from './migration-0004-oauth.js'

/** The table where Kysely's Migrator records which portcullis migrations ran (apart from the host's own). */
export const migrationTableName = 'pc_migrations'
/** The lock table of portcullis' migrations. */
export const migrationLockTableName = 'pc_migrations_lock'

/**
 * portcullis' migrations for `dialect`, as plain `{ up, down }` objects keyed by name (applied in name order).
 * Run them with `store.migrate()`, or hand them to your own Migrator with `migrationTableName`.
 */
export function portcullisMigrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001_portcullis_init': initMigration(dialect),
    '0002_portcullis_admin': adminMigration(dialect),
    '0003_portcullis_mfa': mfaMigration(dialect),
    '0004_portcullis_oauth': oauthMigration(dialect),
  }
}

/**
 * A Kysely Migrator over portcullis' migrations, recording them in `pc_migrations`. On Postgres, pass the
 * schema the tables go to (`store.migrate()` passes `current_schema()`): without it, Kysely takes a
 * `pc_migrations` table in any other schema of the database for its own and then fails to find it.
 */
export function portcullisMigrator(
  // biome-ignore lint/suspicious/noExplicitAny: migrations run on the host's Kysely, whatever its DB type.
  db: Kysely<any>,
  dialect: SqlDialect,
  options: { migrationTableSchema?: string } = {},
): Migrator {
  const migrations = portcullisMigrations(dialect)
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName,
    migrationLockTableName,
    ...(options.migrationTableSchema === undefined
      ? {}
      : { migrationTableSchema: options.migrationTableSchema }),
  })
}

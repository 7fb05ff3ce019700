import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { columnTypes, type SqlDialect } from './dialect.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations run on the host's Kysely, whatever its DB type.
type AnyKysely = Kysely<any>

/** The MFA migration: TOTP factors, backup codes and trusted devices, typed for `dialect`. */
export function mfaMigration(dialect: SqlDialect): Migration {
  const t = columnTypes(dialect)
  // Columns take their types (and on MySQL their collation) from `columnTypes`, like pc_users.id, which the
  // foreign keys need to match.
  const table = (db: AnyKysely, name: string) => db.schema.createTable(name)
  return {
    async up(db: AnyKysely) {
      await table(db, 'pc_mfa')
        .addColumn('user_id', t.key, (c) => c.primaryKey())
        .addColumn('secret_sealed', t.text, (c) => c.notNull())
        .addColumn('enabled_at', t.millis)
        // A step is ~5.7e7 today: beyond 32 bits only in the far future, but millis is the wide type here.
        .addColumn('last_step', t.millis)
        .addColumn('created_at', t.millis, (c) => c.notNull())
        .addForeignKeyConstraint('pc_mfa_user_fk', ['user_id'], 'pc_users', ['id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .execute()

      await table(db, 'pc_backup_codes')
        .addColumn('id', t.key, (c) => c.primaryKey())
        .addColumn('user_id', t.key, (c) => c.notNull())
        .addColumn('code_hash', t.key, (c) => c.notNull())
        .addColumn('created_at', t.millis, (c) => c.notNull())
        .addColumn('used_at', t.millis)
        .addForeignKeyConstraint('pc_backup_codes_user_fk', ['user_id'], 'pc_users', ['id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .execute()
      await db.schema
        .createIndex('pc_backup_codes_user_hash_idx')
        .on('pc_backup_codes')
        .columns(['user_id', 'code_hash'])
        .execute()

      await table(db, 'pc_trusted_devices')
        .addColumn('id', t.key, (c) => c.primaryKey())
        .addColumn('user_id', t.key, (c) => c.notNull())
        .addColumn('token_hash', t.key, (c) => c.notNull())
        .addColumn('created_at', t.millis, (c) => c.notNull())
        .addColumn('last_used_at', t.millis, (c) => c.notNull())
        .addColumn('expires_at', t.millis, (c) => c.notNull())
        .addColumn('user_agent', t.text)
        .addColumn('ip', t.text)
        .addForeignKeyConstraint('pc_trusted_devices_user_fk', ['user_id'], 'pc_users', ['id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .execute()
      await db.schema
        .createIndex('pc_trusted_devices_token_hash_uq')
        .on('pc_trusted_devices')
        .column('token_hash')
        .unique()
        .execute()
      await db.schema
        .createIndex('pc_trusted_devices_user_id_idx')
        .on('pc_trusted_devices')
        .column('user_id')
        .execute()
      await db.schema
        .createIndex('pc_trusted_devices_expires_at_idx')
        .on('pc_trusted_devices')
        .column('expires_at')
        .execute()
    },
    async down(db: AnyKysely) {
      for (const table of ['pc_trusted_devices', 'pc_backup_codes', 'pc_mfa'])
        await db.schema.dropTable(table).ifExists().execute()
    },
  }
}

import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { columnTypes, type SqlDialect } from './dialect.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations run on the host's Kysely, whatever its DB type.
type AnyKysely = Kysely<any>

/** API keys (by SHA-256) and the devices seen signing in, typed for `dialect`. */
export function adminMigration(dialect: SqlDialect): Migration {
  const t = columnTypes(dialect)
  return {
    async up(db: AnyKysely) {
      await db.schema
        .createTable('pc_api_keys')
        .addColumn('id', t.key, (c) => c.primaryKey())
        .addColumn('user_id', t.key, (c) => c.notNull())
        .addColumn('name', t.text, (c) => c.notNull())
        .addColumn('prefix', t.key, (c) => c.notNull())
        .addColumn('key_hash', t.key, (c) => c.notNull())
        .addColumn('scopes', t.text, (c) => c.notNull())
        .addColumn('allowed_ips', t.text, (c) => c.notNull())
        .addColumn('expires_at', t.millis)
        .addColumn('created_at', t.millis, (c) => c.notNull())
        .addColumn('last_used_at', t.millis)
        .addColumn('usage_count', t.millis, (c) => c.notNull())
        .addColumn('rotated_at', t.millis)
        .addColumn('revoked_at', t.millis)
        .addForeignKeyConstraint('pc_api_keys_user_fk', ['user_id'], 'pc_users', ['id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .execute()
      // Keys are looked up by their hash only; the unique index also makes a rotation's new hash collision-free.
      await db.schema
        .createIndex('pc_api_keys_key_hash_uq')
        .on('pc_api_keys')
        .column('key_hash')
        .unique()
        .execute()
      await db.schema.createIndex('pc_api_keys_user_id_idx').on('pc_api_keys').column('user_id').execute()

      await db.schema
        .createTable('pc_known_devices')
        .addColumn('user_id', t.key, (c) => c.notNull())
        .addColumn('fingerprint', t.key, (c) => c.notNull())
        .addColumn('first_seen_at', t.millis, (c) => c.notNull())
        .addColumn('last_seen_at', t.millis, (c) => c.notNull())
        // The primary key is what makes "first sighting of this device" atomic.
        .addPrimaryKeyConstraint('pc_known_devices_pk', ['user_id', 'fingerprint'])
        .addForeignKeyConstraint('pc_known_devices_user_fk', ['user_id'], 'pc_users', ['id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .execute()
    },
    async down(db: AnyKysely) {
      await db.schema.dropTable('pc_known_devices').ifExists().execute()
      await db.schema.dropTable('pc_api_keys').ifExists().execute()
    },
  }
}

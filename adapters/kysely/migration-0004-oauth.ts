import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { columnTypes, type SqlDialect } from './dialect.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations run on the host's Kysely, whatever its DB type.
type AnyKysely = Kysely<any>

/** Identities linked at external providers (OAuth/OIDC sign-in), typed for `dialect`. */
export function oauthMigration(dialect: SqlDialect): Migration {
  const t = columnTypes(dialect)
  return {
    async up(db: AnyKysely) {
      await db.schema
        .createTable('pc_identities')
        .addColumn('id', t.key, (c) => c.primaryKey())
        .addColumn('user_id', t.key, (c) => c.notNull())
        .addColumn('provider', t.key, (c) => c.notNull())
        // OIDC caps `sub` at 255 ASCII characters; the flow refuses longer ones before they get here.
        .addColumn('subject', t.key, (c) => c.notNull())
        .addColumn('email', t.email)
        .addColumn('email_verified', t.bool, (c) => c.notNull())
        .addColumn('created_at', t.millis, (c) => c.notNull())
        .addColumn('last_used_at', t.millis, (c) => c.notNull())
        .addForeignKeyConstraint('pc_identities_user_fk', ['user_id'], 'pc_users', ['id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .execute()
      // These two unique indexes are what make linking atomic: one account at a provider belongs to one user,
      // and a user links one account per provider, whoever wins a race.
      await db.schema
        .createIndex('pc_identities_provider_subject_uq')
        .on('pc_identities')
        .columns(['provider', 'subject'])
        .unique()
        .execute()
      await db.schema
        .createIndex('pc_identities_user_provider_uq')
        .on('pc_identities')
        .columns(['user_id', 'provider'])
        .unique()
        .execute()
    },
    async down(db: AnyKysely) {
      await db.schema.dropTable('pc_identities').ifExists().execute()
    },
  }
}

import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import { type ColumnTypes, columnTypes, type SqlDialect } from './dialect.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations run on the host's Kysely, whatever its DB type.
type AnyKysely = Kysely<any>

async function createAccountTables(db: AnyKysely, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('pc_users')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('email', t.email, (c) => c.notNull())
    .addColumn('email_normalized', t.email, (c) => c.notNull())
    .addColumn('name', t.text)
    .addColumn('password_hash', t.text)
    .addColumn('email_verified_at', t.millis)
    .addColumn('roles', t.text, (c) => c.notNull())
    .addColumn('status', t.key, (c) => c.notNull())
    .addColumn('token_version', t.int, (c) => c.notNull())
    .addColumn('locale', t.key)
    .addColumn('mfa_enabled', t.bool, (c) => c.notNull())
    .addColumn('created_at', t.millis, (c) => c.notNull())
    .addColumn('updated_at', t.millis, (c) => c.notNull())
    .execute()
  // Case-insensitive uniqueness lives here: the core stores the trimmed, lower-cased address.
  await db.schema
    .createIndex('pc_users_email_normalized_uq')
    .on('pc_users')
    .column('email_normalized')
    .unique()
    .execute()

  await db.schema
    .createTable('pc_sessions')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('user_id', t.key, (c) => c.notNull())
    .addColumn('created_at', t.millis, (c) => c.notNull())
    .addColumn('last_used_at', t.millis, (c) => c.notNull())
    .addColumn('expires_at', t.millis, (c) => c.notNull())
    .addColumn('revoked_at', t.millis)
    .addColumn('revoked_reason', t.text)
    .addColumn('ip', t.text)
    .addColumn('user_agent', t.text)
    .addColumn('remember_me', t.bool, (c) => c.notNull())
    .addColumn('amr', t.text, (c) => c.notNull())
    .addColumn('auth_time', t.millis, (c) => c.notNull())
    // Table-level constraint: MySQL ignores REFERENCES written inside a column definition.
    .addForeignKeyConstraint('pc_sessions_user_fk', ['user_id'], 'pc_users', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute()
  await db.schema.createIndex('pc_sessions_user_id_idx').on('pc_sessions').column('user_id').execute()
  await db.schema.createIndex('pc_sessions_expires_at_idx').on('pc_sessions').column('expires_at').execute()
}

async function createTokenTables(db: AnyKysely, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('pc_refresh_tokens')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('session_id', t.key, (c) => c.notNull())
    .addColumn('user_id', t.key, (c) => c.notNull())
    .addColumn('token_hash', t.key, (c) => c.notNull())
    .addColumn('state', t.key, (c) => c.notNull())
    .addColumn('created_at', t.millis, (c) => c.notNull())
    .addColumn('expires_at', t.millis, (c) => c.notNull())
    .addColumn('rotated_at', t.millis)
    .addColumn('successor_id', t.key)
    .addColumn('successor_sealed', t.text)
    .addForeignKeyConstraint('pc_refresh_tokens_session_fk', ['session_id'], 'pc_sessions', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('pc_refresh_tokens_token_hash_uq')
    .on('pc_refresh_tokens')
    .column('token_hash')
    .unique()
    .execute()
  await db.schema
    .createIndex('pc_refresh_tokens_session_id_idx')
    .on('pc_refresh_tokens')
    .column('session_id')
    .execute()
  await db.schema
    .createIndex('pc_refresh_tokens_expires_at_idx')
    .on('pc_refresh_tokens')
    .column('expires_at')
    .execute()
  await db.schema
    .createIndex('pc_refresh_tokens_rotated_at_idx')
    .on('pc_refresh_tokens')
    .column('rotated_at')
    .execute()

  await db.schema
    .createTable('pc_one_time_tokens')
    .addColumn('token_hash', t.key, (c) => c.primaryKey())
    .addColumn('kind', t.key, (c) => c.notNull())
    .addColumn('user_id', t.key, (c) => c.notNull())
    .addColumn('created_at', t.millis, (c) => c.notNull())
    .addColumn('expires_at', t.millis, (c) => c.notNull())
    .addColumn('consumed_at', t.millis)
    .addColumn('data', t.text)
    .addForeignKeyConstraint('pc_one_time_tokens_user_fk', ['user_id'], 'pc_users', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('pc_one_time_tokens_user_kind_idx')
    .on('pc_one_time_tokens')
    .columns(['user_id', 'kind', 'created_at'])
    .execute()
  await db.schema
    .createIndex('pc_one_time_tokens_expires_at_idx')
    .on('pc_one_time_tokens')
    .column('expires_at')
    .execute()
}

async function createLogTables(db: AnyKysely, t: ColumnTypes, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('pc_audit_events')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('type', t.key, (c) => c.notNull())
    .addColumn('user_id', t.key)
    .addColumn('actor_id', t.key)
    .addColumn('ip', t.text)
    .addColumn('user_agent', t.text)
    .addColumn('at', t.millis, (c) => c.notNull())
    .addColumn('meta', t.text, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('pc_audit_events_user_at_idx')
    .on('pc_audit_events')
    .columns(['user_id', 'at'])
    .execute()
  await db.schema.createIndex('pc_audit_events_at_idx').on('pc_audit_events').columns(['at', 'id']).execute()

  await db.schema
    .createTable('pc_outbox')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('to', t.email, (c) => c.notNull())
    .addColumn('to_normalized', t.email, (c) => c.notNull())
    .addColumn('kind', t.key, (c) => c.notNull())
    .addColumn('sealed', t.text, (c) => c.notNull())
    .addColumn('status', t.key, (c) => c.notNull())
    .addColumn('attempts', t.int, (c) => c.notNull())
    .addColumn('next_attempt_at', t.millis, (c) => c.notNull())
    .addColumn('created_at', t.millis, (c) => c.notNull())
    .addColumn('sent_at', t.millis)
    .addColumn('last_error', t.text)
    .execute()
  // The claim query's whole ORDER BY is in the index, so InnoDB walks it in order and row-locks only the rows it
  // hands out; with a filesort it would lock every due row first and SKIP LOCKED would starve other workers.
  await db.schema
    .createIndex('pc_outbox_due_idx')
    .on('pc_outbox')
    .columns(['status', 'next_attempt_at', 'created_at', 'id'])
    .execute()
  await db.schema
    .createIndex('pc_outbox_to_idx')
    .on('pc_outbox')
    .columns(['to_normalized', 'created_at'])
    .execute()

  await db.schema
    .createTable('pc_revocations')
    // An ever-increasing sequence (AUTOINCREMENT on SQLite never reuses the seq of a purged row).
    .$call((b) =>
      dialect === 'postgres'
        ? b.addColumn('seq', 'bigserial', (c) => c.primaryKey())
        : b.addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
            c.primaryKey().autoIncrement(),
          ),
    )
    .addColumn('kind', t.key, (c) => c.notNull())
    .addColumn('subject', t.key, (c) => c.notNull())
    .addColumn('min_version', t.int)
    .addColumn('expires_at', t.millis, (c) => c.notNull())
    .addColumn('created_at', t.millis, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('pc_revocations_expires_at_idx')
    .on('pc_revocations')
    .column('expires_at')
    .execute()
}

async function createCounterTables(db: AnyKysely, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('pc_rate_logs')
    .addColumn('key', t.key, (c) => c.primaryKey())
    .addColumn('hits', t.text, (c) => c.notNull())
    .addColumn('expires_at', t.millis, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('pc_rate_logs_expires_at_idx').on('pc_rate_logs').column('expires_at').execute()

  await db.schema
    .createTable('pc_lockouts')
    .addColumn('key', t.key, (c) => c.primaryKey())
    .addColumn('failures', t.int, (c) => c.notNull())
    .addColumn('window_started_at', t.millis, (c) => c.notNull())
    .addColumn('locked_until', t.millis)
    .addColumn('lock_count', t.int, (c) => c.notNull())
    .addColumn('expires_at', t.millis, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('pc_lockouts_expires_at_idx').on('pc_lockouts').column('expires_at').execute()
}

// Children before parents, so foreign keys never block a drop.
const tablesInDropOrder = [
  'pc_lockouts',
  'pc_rate_logs',
  'pc_revocations',
  'pc_outbox',
  'pc_audit_events',
  'pc_one_time_tokens',
  'pc_refresh_tokens',
  'pc_sessions',
  'pc_users',
]

/** The first migration: every `pc_` table with its indexes, typed for `dialect`. */
export function initMigration(dialect: SqlDialect): Migration {
  const t = columnTypes(dialect)
  return {
    async up(db) {
      await createAccountTables(db, t)
      await createTokenTables(db, t)
      await createLogTables(db, t, dialect)
      await createCounterTables(db, t)
    },
    async down(db) {
      for (const table of tablesInDropOrder) await db.schema.dropTable(table).ifExists().execute()
    },
  }
}

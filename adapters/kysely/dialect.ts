import { type ColumnDataType, type Expression, sql } from 'kysely'

/** A column type: a name Kysely knows, or raw SQL (MySQL's string types carry their collation). */
export type ColumnType = ColumnDataType | Expression<unknown>

/** The SQL dialects the Kysely store speaks. */
export type SqlDialect = 'sqlite' | 'postgres' | 'mysql'

/** Column types per dialect, so one migration serves all three. */
export interface ColumnTypes {
  /** Ids, hashes and other indexed strings (MySQL cannot index `text`). */
  key: ColumnType
  /** Email addresses (indexed). */
  email: ColumnType
  /** Unindexed text of any length: JSON, sealed content, user agents. */
  text: ColumnType
  /** Milliseconds since the epoch (beyond 32 bits). */
  millis: ColumnDataType
  /** Small counters. */
  int: ColumnDataType
  bool: ColumnDataType
}

/** The column types of `dialect`. */
export function columnTypes(dialect: SqlDialect): ColumnTypes {
  switch (dialect) {
    case 'sqlite':
      return { key: 'text', email: 'text', text: 'text', millis: 'integer', int: 'integer', bool: 'integer' }
    case 'postgres':
      return { key: 'text', email: 'text', text: 'text', millis: 'bigint', int: 'integer', bool: 'boolean' }
    case 'mysql':
      return {
        // utf8mb4 with a binary collation, whatever the database's defaults: ids, token hashes, counter keys and
        // normalised emails compare as exact strings, as on SQLite and Postgres. The usual default
        // (utf8mb4_general_ci) matches "Ab" with "ab" and "ß" with "s", so two distinct normalised emails could
        // collide on the unique index; a latin1 default would mangle names.
        key: sql`varchar(255) character set utf8mb4 collate utf8mb4_bin`,
        email: sql`varchar(320) character set utf8mb4 collate utf8mb4_bin`,
        text: sql`text character set utf8mb4 collate utf8mb4_bin`,
        millis: 'bigint',
        int: 'integer',
        bool: 'boolean',
      }
  }
}

/** A boolean as the dialect's driver binds it (SQLite drivers refuse JS booleans). */
export function boolValue(dialect: SqlDialect, value: boolean): boolean | number {
  return dialect === 'sqlite' ? (value ? 1 : 0) : value
}

function errorFields(error: unknown): { code: unknown; errno: unknown; message: string } {
  if (typeof error !== 'object' || error === null) return { code: undefined, errno: undefined, message: '' }
  const e = error as { code?: unknown; errno?: unknown; message?: unknown }
  return { code: e.code, errno: e.errno, message: typeof e.message === 'string' ? e.message : '' }
}

/** Whether `error` is a unique-constraint violation, whichever driver raised it. */
export function isUniqueViolation(error: unknown): boolean {
  const { code, errno, message } = errorFields(error)
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') return true
  // libsql reports the primary code only; its message names the kind of constraint.
  if (code === 'SQLITE_CONSTRAINT') return /UNIQUE constraint failed/i.test(message)
  // Postgres (pg, PGlite, postgres.js) and MySQL (mysql2) codes.
  return code === '23505' || code === 'ER_DUP_ENTRY' || errno === 1062
}

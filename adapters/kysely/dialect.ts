import type { ColumnDataType } from 'kysely'

/** The SQL dialects the Kysely store speaks. */
export type SqlDialect = 'sqlite' | 'postgres' | 'mysql'

/** Column types per dialect, so one migration serves all three. */
export interface ColumnTypes {
  /** Ids, hashes and other indexed strings (MySQL cannot index `text`). */
  key: ColumnDataType
  /** Email addresses (indexed). */
  email: ColumnDataType
  /** Unindexed text of any length: JSON, sealed content, user agents. */
  text: ColumnDataType
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
        key: 'varchar(255)',
        email: 'varchar(320)',
        text: 'text',
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

export type { SqlDialect } from './dialect.js'
export { type KyselyStoreOptions, kyselyStore } from './kysely-store.js'
export {
  migrationLockTableName,
  migrationTableName,
  portcullisMigrations,
  portcullisMigrator,
} from './migrations.js'
export { type MysqlPoolLike, mysqlStore } from './mysql.js'
export { type PostgresPoolLike, postgresStore } from './postgres.js'
export type * from './schema.js'
export { type SqliteDatabaseLike, type SqliteStatementLike, sqliteStore } from './sqlite.js'

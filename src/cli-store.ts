import type { Store } from './ports.js'

/**
 * The store the CLI works on: `DATABASE_URL` when set, else the SQLite file given with `--sqlite`
 * (default `./.data/auth.db`).
 */
export async function storeFromEnvironment(args: string[]): Promise<Store> {
  const flag = args.indexOf('--sqlite')
  const url = process.env.DATABASE_URL
  if (flag === -1 && url) {
    const kysely = await import('../adapters/kysely/index.js')
    if (/^postgres(ql)?:\/\//.test(url) && 'postgresStore' in kysely)
      return (kysely as unknown as StoreFactories).postgresStore(url)
    if (/^mysql:\/\//.test(url) && 'mysqlStore' in kysely)
      return (kysely as unknown as StoreFactories).mysqlStore(url)
    throw new Error(`DATABASE_URL: unsupported database URL scheme (${url.split(':')[0]}:)`)
  }
  const path = flag === -1 ? './.data/auth.db' : args[flag + 1]
  if (!path) throw new Error('--sqlite needs a file path')
  const { sqliteStore } = await import('../adapters/kysely/index.js')
  return sqliteStore(path)
}

interface StoreFactories {
  postgresStore(url: string): Store
  mysqlStore(url: string): Store
}

import type { MigrationResult, Migrator } from 'kysely/migration'
import { migratorFor } from '../adapters/kysely/migrate.js'
import { databaseFromEnvironment } from './cli-store.js'

/** The actions of `portcullis migrate`. */
const actions = ['up', 'down', 'status'] as const
type Action = (typeof actions)[number]

/** Splits `migrate [up|down|status] [--sqlite P]` into the action and the database arguments. */
export function parseMigrateArgs(args: string[]): { action: Action; rest: string[] } {
  const [first, ...others] = args
  if (first === undefined || first.startsWith('--')) return { action: 'up', rest: args }
  if (!(actions as readonly string[]).includes(first))
    throw new Error(`migrate: unknown action "${first}" (expected up, down or status)`)
  return { action: first as Action, rest: others }
}

function report(results: MigrationResult[] | undefined, error: unknown, verb: string): string[] {
  const lines = (results ?? []).map((r) =>
    r.status === 'Success' ? `${verb} ${r.migrationName}` : `${r.status.toLowerCase()} ${r.migrationName}`,
  )
  if (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new Error([...lines, `migration failed: ${message}`].join('\n'), { cause: error })
  }
  return lines
}

async function run(action: Action, migrator: Migrator): Promise<string[]> {
  if (action === 'up') {
    const { results, error } = await migrator.migrateToLatest()
    const lines = report(results, error, 'applied')
    return lines.length > 0 ? lines : ['migrations are up to date']
  }
  if (action === 'down') {
    const { results, error } = await migrator.migrateDown()
    const lines = report(results, error, 'reverted')
    return lines.length > 0 ? lines : ['nothing to revert']
  }
  const migrations = await migrator.getMigrations()
  return migrations.map((m) =>
    m.executedAt ? `applied  ${m.name}  ${m.executedAt.toISOString()}` : `pending  ${m.name}`,
  )
}

/**
 * `portcullis migrate [up|down|status]`: applies every pending migration (`up`, the default), reverts the
 * newest applied one (`down`, one step), or lists each migration as applied or pending (`status`).
 */
export async function migrateCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { action, rest } = parseMigrateArgs(args)
  const database = await databaseFromEnvironment(rest)
  try {
    out(`${database.describe}`)
    for (const line of await run(action, await migratorFor(database.db, database.dialect))) out(line)
  } finally {
    await database.close()
  }
  return 0
}

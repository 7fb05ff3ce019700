#!/usr/bin/env node
import { randomBytes } from 'node:crypto'
import { generateKeyRingSpec, serializeKeyRing } from './crypto/key-ring.js'

const usage = `usage: portcullis <command>

commands:
  keys                   print a fresh key ring for AUTH_KEYS (an Ed25519 signing key and a 256-bit secret)
  migrate [up|down|status] [--sqlite P]
      up (default)  apply every pending migration
      down          revert the newest applied migration (one step; its tables and their data go)
      status        list every migration as applied or pending
      on DATABASE_URL (postgres://… or mysql://…), or the SQLite file P (default ./.data/auth.db)
`

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'keys') {
    process.stdout.write(`${serializeKeyRing(generateKeyRingSpec((n) => new Uint8Array(randomBytes(n))))}\n`)
    return 0
  }
  if (command === 'migrate') {
    const { migrateCommand } = await import('./cli-migrate.js')
    return migrateCommand(rest, (line) => process.stdout.write(`portcullis: ${line}\n`))
  }
  process.stderr.write(usage)
  return command === undefined || command === '--help' ? 0 : 2
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`portcullis: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)

import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { portcullisMigrations } from '../adapters/kysely/index.js'
import { freshPgDatabase, pgUrl, skipWithout } from './servers.js'

// `portcullis migrate` as a user runs it: a child process (`npx tsx src/cli.ts …`), its output and exit code.

const repoRoot = fileURLToPath(new URL('../', import.meta.url))
const names = Object.keys(portcullisMigrations('sqlite'))
const newest = names.at(-1) as string

interface Run {
  code: number
  stdout: string
  stderr: string
}

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'src/cli.ts', ...args],
      { cwd: repoRoot, env: { ...inherited, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** The `applied`/`pending` lines of `migrate status`, without timestamps. */
const statusOf = (run: Run) =>
  run.stdout
    .split('\n')
    .filter((line) => /^portcullis: (applied|pending) {2}/.test(line))
    .map((line) => line.replace(/^portcullis: /, '').replace(/ {2}\d{4}-\S+$/, ''))

const applied = (n: number) => names.map((name, i) => `${i < n ? 'applied' : 'pending'}  ${name}`)

describe('portcullis migrate on a SQLite file', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-cli-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('lists, applies, reverts one step and re-applies', async () => {
    const file = join(dir, 'nested', 'auth.db')
    const sqlite = ['--sqlite', file]
    const before = await cli(['migrate', 'status', ...sqlite])
    expect(before.code).toBe(0)
    expect(statusOf(before)).toEqual(applied(0))

    const up = await cli(['migrate', ...sqlite])
    expect(up.code).toBe(0)
    expect(up.stdout).toContain(`portcullis: SQLite ${file}`)
    expect(up.stdout.split('\n').filter((l) => l.startsWith('portcullis: applied '))).toEqual(
      names.map((name) => `portcullis: applied ${name}`),
    )
    expect((await cli(['migrate', 'up', ...sqlite])).stdout).toContain('migrations are up to date')
    expect(statusOf(await cli(['migrate', 'status', ...sqlite]))).toEqual(applied(names.length))

    const down = await cli(['migrate', 'down', ...sqlite])
    expect(down.code).toBe(0)
    expect(down.stdout).toContain(`portcullis: reverted ${newest}`)
    expect(statusOf(await cli(['migrate', 'status', ...sqlite]))).toEqual(applied(names.length - 1))

    const again = await cli(['migrate', 'up', ...sqlite])
    expect(again.stdout.split('\n').filter((l) => l.startsWith('portcullis: applied '))).toEqual([
      `portcullis: applied ${newest}`,
    ])
  })

  it('refuses an unknown action or a missing path with exit code 1 and a message', async () => {
    const [unknown, noPath, scheme] = await Promise.all([
      cli(['migrate', 'sideways', '--sqlite', join(dir, 'x.db')]),
      cli(['migrate', 'status', '--sqlite']),
      cli(['migrate', 'status'], { DATABASE_URL: 'mongodb://localhost/x' }),
    ])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('unknown action "sideways"')
    expect(noPath.code).toBe(1)
    expect(noPath.stderr).toContain('--sqlite needs a file path')
    expect(scheme.code).toBe(1)
    expect(scheme.stderr).toContain('unsupported database URL scheme (mongodb:)')
  })
})

describe.skipIf(skipWithout('PORTCULLIS_PG_URL', pgUrl, 'portcullis migrate on Postgres'))(
  'portcullis migrate on Postgres (DATABASE_URL)',
  () => {
    let database: Awaited<ReturnType<typeof freshPgDatabase>>
    beforeAll(async () => {
      database = await freshPgDatabase(pgUrl as string, 'cli')
    })
    afterAll(async () => {
      await database?.drop()
    })

    it('applies, lists and reverts one step, and never prints the password', async () => {
      const url = new URL(database.url)
      url.password = 'not-to-be-printed'
      const env = { DATABASE_URL: url.toString() }
      const up = await cli(['migrate'], env)
      expect(up.code).toBe(0)
      expect(up.stdout).toContain(`portcullis: Postgres postgres://${url.host}/${database.name}`)
      expect(up.stdout.split('\n').filter((l) => l.startsWith('portcullis: applied '))).toHaveLength(
        names.length,
      )
      const down = await cli(['migrate', 'down'], env)
      expect(down.stdout).toContain(`portcullis: reverted ${newest}`)
      const status = await cli(['migrate', 'status'], env)
      expect(statusOf(status)).toEqual(applied(names.length - 1))
      for (const run of [up, down, status]) expect(run.stdout + run.stderr).not.toContain('not-to-be-printed')
    })
  },
)

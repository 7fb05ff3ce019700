// What the report says about the machine and the software measured.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import { join } from 'node:path'
import { rootDir, rootImport, versionOf } from './root.mjs'
import { pgUrl } from './stores.mjs'

const require = createRequire(import.meta.url)

async function pgVersion() {
  const { default: pg } = await rootImport('pg')
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    return (await client.query('show server_version')).rows[0].server_version
  } catch {
    return 'not reachable'
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function redisVersion() {
  try {
    const { default: Redis } = await rootImport('ioredis')
    const client = new Redis(process.env.PORTCULLIS_REDIS_URL ?? 'redis://127.0.0.1:6379', {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    })
    await client.connect()
    const info = await client.info('server')
    await client.quit()
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown'
  } catch {
    return 'not reachable'
  }
}

function sqliteVersion() {
  const Database = require('better-sqlite3')
  const db = new Database(':memory:')
  const version = db.prepare('select sqlite_version() as v').get().v
  db.close()
  return version
}

/** The commit the library was built from, and whether the working tree differed from it (outside bench/). */
function sourceRevision() {
  const git = (...args) => spawnSync('git', args, { cwd: rootDir, encoding: 'utf8' }).stdout?.trim() ?? ''
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown'
  const changed = git(
    'status',
    '--porcelain',
    '--untracked-files=no',
    '--',
    '.',
    ':(exclude)bench',
    ':(exclude)docs/performance.md',
  )
  return changed ? `${commit} with uncommitted changes in the working tree` : commit
}

export async function describeEnvironment() {
  const pkg = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8'))
  const cpus = os.cpus()
  return {
    cpu: `${cpus[0]?.model ?? 'unknown'} (${os.availableParallelism()} cores available)`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    versions: {
      portcullis: `${pkg.version} (${sourceRevision()})`,
      jose: versionOf('jose'),
      kysely: versionOf('kysely'),
      '@node-rs/argon2': versionOf('@node-rs/argon2'),
      express: versionOf('express'),
      fastify: versionOf('fastify'),
      hono: versionOf('hono'),
      '@hono/node-server': versionOf('@hono/node-server'),
      pg: versionOf('pg'),
      ioredis: versionOf('ioredis'),
      'better-auth': versionOf('better-auth', 'bench'),
      'express (Better Auth)': versionOf('express', 'bench'),
      'better-sqlite3': versionOf('better-sqlite3', 'bench'),
      autocannon: versionOf('autocannon', 'bench'),
      SQLite: sqliteVersion(),
      PostgreSQL: await pgVersion(),
      Redis: await redisVersion(),
    },
  }
}

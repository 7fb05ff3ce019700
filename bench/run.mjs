#!/usr/bin/env node
// `npm run bench`: installs the bench's own dependencies when missing, builds the library, runs every case on
// 127.0.0.1 (servers, load generator and in-process cases each in a process of their own, fixed durations),
// prints the ratio table and writes docs/performance.md. Bounded: well under 10 minutes on 2 cores.
//
//   node bench/run.mjs [--no-build] [--only=http,login,token,refresh,rate,scale] [--no-postgres-scale]
// (--only runs print their rows and leave docs/performance.md alone.)
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const benchDir = import.meta.dirname ?? new URL('.', import.meta.url).pathname
const rootDir = join(benchDir, '..')
const args = new Set(process.argv.slice(2))
const only = [...args]
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',')
const startedAt = performance.now()
/** The whole run stops starting optional work past this many seconds, to stay inside 10 minutes. */
const budgetSeconds = 8 * 60
const elapsed = () => (performance.now() - startedAt) / 1000

function step(title) {
  console.log(`\n[bench ${elapsed().toFixed(0).padStart(3)} s] ${title}`)
}

function ensureDependencies() {
  const needed = ['autocannon', 'better-auth', 'better-sqlite3', 'express']
  if (needed.every((name) => existsSync(join(benchDir, 'node_modules', name, 'package.json')))) return
  step('installing the bench dependencies (bench/package.json; better-sqlite3 may compile for a minute)')
  const r = spawnSync('npm', ['install', '--prefix', benchDir, '--no-audit', '--no-fund'], {
    cwd: rootDir,
    stdio: 'inherit',
  })
  if (r.status !== 0) throw new Error('npm install --prefix bench failed')
}

function build() {
  if (args.has('--no-build')) return
  step('building the library (npm run build)')
  const before = Date.now()
  const r = spawnSync('npm', ['run', 'build'], { cwd: rootDir, stdio: ['ignore', 'ignore', 'inherit'] })
  if (r.status === 0) return
  // tsup emits the JavaScript before the type declarations; a declaration error alone does not change what runs.
  const fresh = ['index', 'express', 'fastify', 'hono', 'kysely'].every((entry) => {
    const file = join(rootDir, 'dist', `${entry}.js`)
    return existsSync(file) && statSync(file).mtimeMs >= before
  })
  if (!fresh) throw new Error('npm run build failed')
  console.warn(
    'npm run build reported an error after emitting dist/*.js (declarations); measuring the fresh JavaScript',
  )
}

ensureDependencies()
build()

const { runAll } = await import('./lib/sections.mjs')
const { printTable, writeReport } = await import('./lib/report.mjs')
const results = await runAll({
  only,
  step,
  elapsed,
  budgetSeconds,
  postgresScale: !args.has('--no-postgres-scale'),
})
results.totalSeconds = elapsed()
printTable(results)
rmSync(join(benchDir, '.data'), { recursive: true, force: true })
// A partial run (--only) prints its rows but leaves docs/performance.md to the full run.
if (only) step(`done in ${elapsed().toFixed(0)} s (partial run: docs/performance.md left as it was)`)
else step(`wrote ${await writeReport(results)}; done in ${elapsed().toFixed(0)} s`)

// `npm run test:e2e`: the browser journeys in Debian's Chromium. Installs the `chromium` package when
// /usr/bin/chromium is missing (CI runs as root), runs vitest with vitest.e2e.config.ts (whose global setup
// starts the demo on a free loopback port with a temp DEMO_DATA_DIR), and prints the closing line CI reads:
// "N passed, N failed[, N skipped]". The run is bounded: vitest's process group is killed after
// PORTCULLIS_E2E_TIMEOUT_SECONDS (default 600), and a demo left behind by a killed vitest with it.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

const chromium = process.env.PORTCULLIS_E2E_CHROMIUM ?? '/usr/bin/chromium'
const resultsDir = 'test-results/e2e'
const report = `${resultsDir}/vitest.json`
const demoPidFile = `${resultsDir}/demo.pid`
const timeoutMs = Number(process.env.PORTCULLIS_E2E_TIMEOUT_SECONDS ?? 600) * 1000

/** Ends the run with the closing line (and a reason on stderr when nothing ran). */
function finish(passed, failed, skipped, code, reason) {
  if (reason) console.error(`test:e2e: ${reason}`)
  const line = `${passed} passed, ${failed} failed`
  console.log(skipped > 0 ? `${line}, ${skipped} skipped` : line)
  process.exit(code)
}

function ensureChromium() {
  if (existsSync(chromium)) return
  if (process.getuid?.() !== 0)
    finish(0, 1, 0, 1, `${chromium} is missing; install it with: sudo apt-get install -y chromium`)
  console.log(`test:e2e: ${chromium} is missing; installing Debian's chromium package`)
  const install = spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 300_000,
  })
  if (install.status !== 0)
    finish(0, 1, 0, 1, `installing chromium failed (exit ${install.status ?? install.signal})`)
  if (!existsSync(chromium))
    finish(0, 1, 0, 1, `the chromium package is installed, but ${chromium} is missing`)
}

/** Kills a process group, ignoring one that is already gone. */
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal)
  } catch {}
}

/** A demo whose vitest was killed before its teardown ran: stop its process group. */
function stopLeftoverDemo() {
  if (!existsSync(demoPidFile)) return
  const pid = Number(readFileSync(demoPidFile, 'utf8'))
  if (pid > 0) killGroup(pid, 'SIGKILL')
  rmSync(demoPidFile, { force: true })
}

ensureChromium()
mkdirSync(resultsDir, { recursive: true })
rmSync(report, { force: true })
stopLeftoverDemo()

const args = ['vitest', 'run', '--config', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json']
args.push(`--outputFile.json=${report}`, ...process.argv.slice(2))
// Its own process group, so a timeout or Ctrl-C reaches vitest's workers and their browsers too.
const child = spawn('npx', args, { stdio: 'inherit', detached: true })
const stop = (signal) => killGroup(child.pid, signal)
const timer = setTimeout(() => {
  console.error(`test:e2e: still running after ${timeoutMs / 1000} s; stopping it`)
  stop('SIGTERM')
  setTimeout(() => stop('SIGKILL'), 10_000).unref()
}, timeoutMs)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal))

const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])))
clearTimeout(timer)
stop('SIGKILL')
stopLeftoverDemo()

let result
try {
  result = JSON.parse(readFileSync(report, 'utf8'))
} catch {
  finish(0, 1, 0, code || 1, `no vitest JSON report was written (vitest ended with ${code ?? signal})`)
}
const skipped = result.numPendingTests + result.numTodoTests
// A run that failed outside any test (global setup, a file that did not load) counts as one failure.
const failed = code !== 0 && result.numFailedTests === 0 ? 1 : result.numFailedTests
finish(result.numPassedTests, failed, skipped, failed === 0 ? 0 : code || 1)

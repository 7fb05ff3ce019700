// Runs the vitest suite and prints the closing line CI reads: "N passed, N failed[, N skipped]".
// vitest's own summary is not in that form, so we read its JSON report.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'

mkdirSync('test-results', { recursive: true })
const out = 'test-results/vitest.json'
const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...process.argv.slice(2),
]
const run = spawnSync('npx', args, { stdio: 'inherit' })
let report
try {
  report = JSON.parse(readFileSync(out, 'utf8'))
} catch {
  console.error('no vitest JSON report was written')
  process.exit(run.status || 1)
}
const skipped = report.numPendingTests + report.numTodoTests
const line = `${report.numPassedTests} passed, ${report.numFailedTests} failed`
console.log(skipped > 0 ? `${line}, ${skipped} skipped` : line)
process.exit(run.status ?? 1)

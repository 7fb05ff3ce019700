// In-process measurement: `concurrency` workers call an async operation back to back for a fixed time after a
// warm-up; throughput is completed operations per second, latencies come from a histogram in microseconds.
import { createHistogram, performance } from 'node:perf_hooks'

async function loop(op, untilMs, histogram, counter, worker, seed) {
  let i = seed
  while (performance.now() < untilMs) {
    const start = performance.now()
    await op(i, worker)
    histogram?.record(Math.max(1, Math.round((performance.now() - start) * 1000)))
    counter.n++
    i += 1_000_003
  }
}

/**
 * Measures `op(i, worker)` (i differs per call, so an operation can pick its own input; worker is 0 to
 * concurrency - 1, so a worker can own its state): `warmupMs` untimed, then
 * `durationMs` timed. Returns operations per second and latency percentiles in milliseconds.
 */
export async function measure(op, { concurrency = 1, warmupMs = 1000, durationMs = 3000 } = {}) {
  const warm = { n: 0 }
  const warmUntil = performance.now() + warmupMs
  await Promise.all(Array.from({ length: concurrency }, (_, w) => loop(op, warmUntil, null, warm, w, w)))
  const histogram = createHistogram()
  const counter = { n: 0 }
  const start = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, (_, w) =>
      loop(op, start + durationMs, histogram, counter, w, w + 7 * concurrency),
    ),
  )
  const seconds = (performance.now() - start) / 1000
  return {
    opsPerSecond: counter.n / seconds,
    operations: counter.n,
    seconds,
    concurrency,
    p50Ms: histogram.percentile(50) / 1000,
    p99Ms: histogram.percentile(99) / 1000,
  }
}

/**
 * Measures several variants against each other in alternating rounds (A B C, then C B A, …) so that a change in
 * background load over time hits all of them alike. Returns per variant the combined throughput and the
 * latency percentiles of the round nearest the median.
 */
export async function alternate(
  variants,
  { rounds = 4, roundMs = 1000, warmupMs = 1000, concurrency = 1 } = {},
) {
  // BENCH_ONLY=name measures that variant alone (for a CPU profile of one side).
  const only = process.env.BENCH_ONLY
  const names = Object.keys(variants).filter((n) => !only || n === only)
  const totals = Object.fromEntries(names.map((n) => [n, { operations: 0, seconds: 0, runs: [] }]))
  for (const name of names)
    await measure(variants[name], { concurrency, warmupMs, durationMs: 1 }).catch((error) => {
      throw new Error(`${name}: ${error.message}`)
    })
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? names : [...names].reverse()
    for (const name of order) {
      const run = await measure(variants[name], { concurrency, warmupMs: 0, durationMs: roundMs })
      totals[name].operations += run.operations
      totals[name].seconds += run.seconds
      totals[name].runs.push(run)
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const t = totals[name]
      const runs = [...t.runs].sort((a, b) => a.opsPerSecond - b.opsPerSecond)
      const mid = runs[Math.floor(runs.length / 2)]
      return [
        name,
        {
          opsPerSecond: t.operations / t.seconds,
          operations: t.operations,
          seconds: t.seconds,
          concurrency,
          p50Ms: mid.p50Ms,
          p99Ms: mid.p99Ms,
          roundsOpsPerSecond: t.runs.map((x) => Math.round(x.opsPerSecond)),
        },
      ]
    }),
  )
}

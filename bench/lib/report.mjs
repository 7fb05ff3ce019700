// The ratio table (printed and written first in docs/performance.md) and the absolute numbers behind it.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { method, missNotes, optimisations, reading } from './notes.mjs'
import { rootDir } from './root.mjs'

const div = (a, b) => (a > 0 && b > 0 ? a / b : undefined)
const rate = (x) => x?.requestsPerSecond ?? x?.opsPerSecond
const roundsOf = (x) => x?.rounds ?? x?.roundsOpsPerSecond

/**
 * a ÷ b as the median over rounds of the ratio of their adjacent measurements (the rounds alternate), so load
 * that drifts during the run cancels; the ratio of the totals when there are no paired rounds.
 */
function paired(a, b) {
  const ra = roundsOf(a)
  const rb = roundsOf(b)
  if (!ra?.length || ra.length !== rb?.length || ra.some((x) => !(x > 0)) || rb.some((x) => !(x > 0)))
    return div(rate(a), rate(b))
  const ratios = ra.map((x, i) => x / rb[i]).sort((p, q) => p - q)
  const m = ratios.length
  return m % 2 === 1 ? ratios[(m - 1) / 2] : (ratios[m / 2 - 1] + ratios[m / 2]) / 2
}

/** The ratio rows: what is compared, the measured value, the target. */
export function ratioRows(results) {
  const s = results.sections
  const h = s.http ?? {}
  const t = s.token ?? {}
  const rows = [
    ...['express', 'fastify', 'hono'].map((fw) => ({
      id: `${fw}-bare`,
      label: `${fw[0].toUpperCase()}${fw.slice(1)}: protected route ÷ the same handler without auth (req/s)`,
      value: paired(h[`${fw}Protected`], h[`${fw}Bare`]),
      target: ['≥', 0.85],
    })),
    {
      id: 'better-auth',
      label: 'Protected route (Express) ÷ Better Auth `get-session` without cookie cache (req/s)',
      value: paired(h.expressProtected, h.betterAuthNoCache),
      target: ['≥', 5],
    },
    {
      id: 'better-auth-cache',
      label: 'Protected route (Express) ÷ Better Auth `get-session` with cookie cache (req/s)',
      value: paired(h.expressProtected, h.betterAuthCookieCache),
    },
    {
      id: 'token-repeat',
      label: '`auth.authenticate(token)` ÷ raw `jose.jwtVerify`, time per check (a token seen before)',
      value: paired(t.joseRepeat, t.authenticateRepeat),
      target: ['≤', 1.2],
    },
    {
      id: 'token-first',
      label: '`auth.authenticate(token)` ÷ raw `jose.jwtVerify`, time per check (first sight of each token)',
      value: paired(t.joseRepeat, t.authenticateFirstSight),
      target: ['≤', 1.2],
    },
    ...[
      ['sqlite', s.login],
      ['postgres', s.login?.postgres],
    ].flatMap(([db, l]) => [
      {
        id: `login-${db}`,
        label: `Login throughput (Express, ${db === 'sqlite' ? 'SQLite' : 'Postgres'}) ÷ argon2id ceiling (cores ÷ one verify)`,
        value: l?.ratioToCeiling,
        target: ['≥', 0.9],
      },
      {
        id: `login-eld-${db}`,
        label: `Login (${db === 'sqlite' ? 'SQLite' : 'Postgres'}): event-loop delay p99 of the server, worst round (ms)`,
        value: l?.eventLoopDelay?.p99Ms,
        target: ['<', 20],
        unit: ' ms',
      },
      {
        id: `login-hashing-${db}`,
        label: `Login throughput (${db === 'sqlite' ? 'SQLite' : 'Postgres'}) ÷ argon2id verifies/s measured alone, one per core`,
        value: l?.ratioToHashing,
      },
    ]),
    ...['sqlite', 'postgres'].map((db) => ({
      id: `refresh-${db}`,
      label: `Refresh rotation ÷ raw one-transaction UPDATE+INSERT, ${db === 'sqlite' ? 'SQLite' : 'Postgres'} (ops/s)`,
      value: paired(s.refresh?.[db]?.portcullis, s.refresh?.[db]?.raw),
      target: ['≥', 0.5],
    })),
    ...['redis', 'sqlite'].map((store) => ({
      id: `rate-${store}`,
      label: `Rate-limit decision on ${store === 'redis' ? 'Redis' : 'SQLite'} ÷ on memory (ops/s)`,
      value: paired(s.rate?.[store], s.rate?.memory),
      skipped: store === 'redis' && s.rate && !s.rate.redis ? s.rate.redisNote : undefined,
    })),
  ]
  for (const db of ['sqlite', 'postgres'])
    for (const op of ['login', 'refresh', 'protected']) {
      const scale = s.scale?.[db]
      rows.push({
        id: `scale-${db}-${op}`,
        label: `Scale, ${db === 'sqlite' ? 'SQLite' : 'Postgres'}: ${op === 'protected' ? 'protected-request token check' : op} time per op at 1M ÷ at 10k`,
        value: paired(scale?.[op]?.['10k'], scale?.[op]?.['1M']),
        target: ['≤', 1.2],
        skipped: scale?.skipped,
      })
      if (op === 'refresh' && scale?.rawRefresh)
        rows.push({
          id: `scale-${db}-raw`,
          label: `Scale, ${db === 'sqlite' ? 'SQLite' : 'Postgres'}: raw UPDATE+INSERT transaction time at 1M ÷ at 10k (reference)`,
          value: paired(scale.rawRefresh['10k'], scale.rawRefresh['1M']),
        })
    }
  for (const row of rows) row.holds = judge(row)
  return rows
}

function judge({ value, target }) {
  if (!target) return '—'
  if (value === undefined) return 'not measured'
  const [op, bound] = target
  const ok = op === '≥' ? value >= bound : op === '≤' ? value <= bound : value < bound
  return ok ? 'holds' : 'MISSED'
}

const fmt = (v, digits = 2) => (v === undefined ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(digits))
const show = (row) =>
  row.value === undefined
    ? row.skipped
      ? `skipped: ${row.skipped}`
      : 'n/a'
    : `${fmt(row.value)}${row.unit ?? '×'}`
const showTarget = (row) => (row.target ? `${row.target[0]} ${row.target[1]}${row.unit ?? '×'}` : '—')

export function printTable(results) {
  const rows = ratioRows(results)
  const width = Math.max(...rows.map((r) => r.label.length))
  console.log(`\nportcullis benchmark ${results.startedAt} (${results.totalSeconds?.toFixed(0)} s)\n`)
  for (const r of rows)
    console.log(`${r.label.padEnd(width)}  ${show(r).padStart(10)}  ${showTarget(r).padEnd(9)}  ${r.holds}`)
  for (const [name, error] of Object.entries(results.errors)) console.log(`section ${name} FAILED: ${error}`)
}

const line = (cells) => `| ${cells.join(' | ')} |`
const table = (head, body) => [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n')
const ms = (v) => (v === undefined ? 'n/a' : v < 1 ? v.toFixed(3) : v.toFixed(1))
const n0 = (v) => (v === undefined ? 'n/a' : Math.round(v).toLocaleString('en-US'))

function absoluteHttp(h) {
  const names = {
    expressBare: 'Express, bare route',
    expressProtected: 'Express, protected route',
    fastifyBare: 'Fastify, bare route',
    fastifyProtected: 'Fastify, protected route',
    honoBare: 'Hono, bare route',
    honoProtected: 'Hono, protected route',
    betterAuthNoCache: 'Better Auth get-session, no cookie cache',
    betterAuthCookieCache: 'Better Auth get-session, cookie cache',
  }
  return table(
    ['HTTP target (16 connections)', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'req/s per round'],
    Object.entries(names)
      .filter(([k]) => h[k])
      .map(([k, label]) => [
        label,
        n0(h[k].requestsPerSecond),
        ms(h[k].p50Ms),
        ms(h[k].p99Ms),
        h[k].non2xx,
        h[k].rounds.join(', '),
      ]),
  )
}

function absoluteOps(title, entries) {
  return table(
    [title, 'ops/s', 'p50 ms', 'p99 ms', 'concurrency', 'ops/s per round'],
    entries
      .filter(([, v]) => v)
      .map(([label, v]) => [
        label,
        n0(v.opsPerSecond),
        ms(v.p50Ms),
        ms(v.p99Ms),
        v.concurrency,
        v.roundsOpsPerSecond.join(', '),
      ]),
  )
}

function absoluteSections(s) {
  const out = []
  if (s.http) out.push('### HTTP (a, b)\n', absoluteHttp(s.http))
  for (const l of [s.login, s.login?.postgres]) {
    if (!l) continue
    out.push(
      `### Login (c), ${l.database === 'postgres' ? 'Postgres' : 'SQLite'}\n`,
      table(
        ['login (Express, 8 connections, 3 rounds of 3 s)', 'value'],
        [
          ['logins/s', n0(l.requestsPerSecond)],
          ['non-2xx', l.non2xx],
          ['latency p50 / p99 ms (median round)', `${ms(l.p50Ms)} / ${ms(l.p99Ms)}`],
          [
            'ceiling = cores ÷ one verify alone (median round)',
            `${l.cores} ÷ ${ms(l.verifyMs)} ms = ${n0(l.ceiling)}/s`,
          ],
          ['argon2id verifies/s alone, one in flight per core (median round)', n0(l.hashingPerSecond)],
          [
            'per round: logins/s, one verify ms, verifies/s alone',
            l.rounds.map((r) => `${r.loginsPerSecond}, ${r.verifyMs}, ${r.hashingPerSecond}`).join(' · '),
          ],
          [
            'event-loop delay p50 (median round) / p99 / max (worst round), ms, 1 ms sampling, during the logins',
            `${ms(l.eventLoopDelay.p50Ms)} / ${ms(l.eventLoopDelay.p99Ms)} / ${ms(l.eventLoopDelay.maxMs)}`,
          ],
        ],
      ),
    )
  }
  if (s.token)
    out.push(
      '### Token check in process (f)\n',
      absoluteOps('check', [
        ['auth.authenticate, token seen before', s.token.authenticateRepeat],
        ['auth.authenticate, first sight of each token', s.token.authenticateFirstSight],
        ['jose.jwtVerify(token, key)', s.token.joseRepeat],
      ]),
    )
  if (s.refresh)
    out.push(
      '### Refresh rotation (d)\n',
      absoluteOps('rotation', [
        ['SQLite: auth.refresh', s.refresh.sqlite?.portcullis],
        ['SQLite: raw UPDATE+INSERT transaction', s.refresh.sqlite?.raw],
        ['Postgres: auth.refresh', s.refresh.postgres?.portcullis],
        ['Postgres: raw UPDATE+INSERT transaction', s.refresh.postgres?.raw],
      ]),
    )
  if (s.rate)
    out.push(
      '### Rate-limit decision (e)\n',
      absoluteOps('hitRateLimit', [
        ['memory', s.rate.memory],
        ['SQLite', s.rate.sqlite],
        ['Redis', s.rate.redis],
      ]),
      s.rate.redisNote === 'measured'
        ? '\nRedis: `redisRateStore` from portcullis/redis (one Lua script per decision) on the local Redis.'
        : `\nRedis: not measured (${s.rate.redisNote}); memory and SQLite only.`,
    )
  for (const db of ['sqlite', 'postgres']) {
    const sc = s.scale?.[db]
    if (!sc) continue
    const name = db === 'sqlite' ? 'SQLite' : 'Postgres'
    if (sc.skipped) {
      out.push(`### Scale, ${name} (g)\n`, `Skipped: ${sc.skipped}.`)
      continue
    }
    out.push(
      `### Scale, ${name} (g)\n`,
      `Seeding by SQL: ${Object.entries(sc.seedSeconds)
        .map(([k, v]) => `${k} in ${v.toFixed(1)} s`)
        .join(', ')}.\n`,
      absoluteOps('operation', [
        ['login, 10k', sc.login['10k']],
        ['login, 1M', sc.login['1M']],
        ['refresh, 10k', sc.refresh['10k']],
        ['refresh, 1M', sc.refresh['1M']],
        ['raw UPDATE+INSERT transaction, 10k', sc.rawRefresh?.['10k']],
        ['raw UPDATE+INSERT transaction, 1M', sc.rawRefresh?.['1M']],
        ['protected-request token check, 10k', sc.protected['10k']],
        ['protected-request token check, 1M', sc.protected['1M']],
      ]),
    )
  }
  return out.join('\n\n')
}

export async function writeReport(results) {
  const rows = ratioRows(results)
  const e = results.environment
  const missed = rows.filter((r) => r.holds === 'MISSED' || r.holds === 'not measured')
  const doc = [
    '# Performance',
    '',
    `Measured by \`npm run bench\` (bench/run.mjs) on ${results.startedAt.slice(0, 10)} (${results.startedAt}), one run of ${Math.round(results.totalSeconds)} s: every ratio below compares two measurements of the same run on the same machine, taken in alternating rounds. Machine: ${e.cpu}, ${e.memoryGiB} GiB, ${e.os}, Node ${e.node}. Load average before / after: ${results.loadBefore.map((x) => x.toFixed(1)).join(' ')} / ${results.loadAfter.map((x) => x.toFixed(1)).join(' ')}.`,
    '',
    '## Ratios',
    '',
    table(
      ['comparison', 'measured', 'target', ''],
      rows.map((r) => [r.label, show(r), showTarget(r), r.holds]),
    ),
    ...Object.entries(results.errors).map(([n, err]) => `\nSection \`${n}\` failed in this run: ${err}`),
    '',
    reading,
    '',
    '## Targets missed: by how much, and why',
    '',
    missed.length === 0 ? 'None in this run.' : missNotes(missed, results),
    '',
    '## What was optimised',
    '',
    optimisations,
    '',
    '## Absolute numbers',
    '',
    absoluteSections(results.sections),
    '',
    '## Method',
    '',
    method,
    '',
    '## Machine and versions',
    '',
    table(
      ['', ''],
      [
        ['CPU', e.cpu],
        ['memory', `${e.memoryGiB} GiB`],
        ['OS', e.os],
        ['Node', e.node],
        ...Object.entries(e.versions).map(([k, v]) => [k, v]),
      ],
    ),
    '',
  ].join('\n')
  const file = join(rootDir, 'docs', 'performance.md')
  writeFileSync(file, doc)
  return file
}

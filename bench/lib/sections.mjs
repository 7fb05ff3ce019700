// The run, section by section. Each section is independent: one that fails is reported as failed and the
// rest still run. Children are always stopped, so the run ends by itself.
import os from 'node:os'
import { describeEnvironment } from './environment.mjs'
import { alternateHttp, startBetterAuth, startPortcullis } from './http-cases.mjs'
import { startChild } from './proc.mjs'
import { pgAvailable } from './stores.mjs'

/** Runs a one-shot case script in its own process and returns its result. */
async function runCaseScript(script, options, timeoutMs = 240_000) {
  const child = startChild(script, options)
  try {
    const message = await child.waitFor('result', timeoutMs)
    if (message.error) throw new Error(message.error)
    return message.result
  } finally {
    await child.stop()
  }
}

/** Checks a target answers 2xx with a body (Better Auth answers 200 `null` to a request without a session). */
async function probe(target, mustContain) {
  const variant = target.variants?.[0] ?? {}
  const response = await fetch(target.url, {
    method: target.method ?? 'GET',
    headers: { ...target.headers, ...variant.headers },
    body: variant.body,
  })
  const text = await response.text()
  if (!response.ok || !text.includes(mustContain))
    throw new Error(`${target.url} answered ${response.status} ${text.slice(0, 120)}`)
}

async function withChildren(fn) {
  const children = []
  const keep = (c) => {
    children.push(c.server ?? c)
    return c
  }
  try {
    return await fn(keep)
  } finally {
    for (const c of children.reverse()) await c.stop().catch(() => undefined)
  }
}

/** (a) and (b): protected vs bare on each framework, Better Auth get-session beside Express. */
async function http(load) {
  return withChildren(async (keep) => {
    const express = keep(await startPortcullis('express'))
    const baPlain = keep(await startBetterAuth(false))
    const baCache = keep(await startBetterAuth(true))
    await probe(express.protected, '"user"')
    await probe(baPlain.getSession, '"session"')
    await probe(baCache.getSession, '"session"')
    const group = await alternateHttp(
      load,
      {
        expressBare: express.bare,
        expressProtected: express.protected,
        betterAuthNoCache: baPlain.getSession,
        betterAuthCookieCache: baCache.getSession,
      },
      { rounds: 4, roundSeconds: 2 },
    )
    const out = { ...group }
    for (const framework of ['fastify', 'hono']) {
      const app = keep(await startPortcullis(framework))
      await probe(app.protected, '"user"')
      const pair = await alternateHttp(
        load,
        { bare: app.bare, protected: app.protected },
        { rounds: 4, roundSeconds: 2 },
      )
      out[`${framework}Bare`] = pair.bare
      out[`${framework}Protected`] = pair.protected
      await app.server.stop()
    }
    return out
  })
}

/**
 * Login on Express over `database`, in rounds: one verify alone (the ceiling's input), verifies with one per core
 * and nothing else (what hashing reaches), then a login flood with the event-loop delay recorded. Each round's
 * three figures are taken back to back, so the ratios are medians of per-round ratios.
 */
async function loginOn(load, database, rounds = 3) {
  return withChildren(async (keep) => {
    const app = keep(await startPortcullis('express', { database, users: 1000, tokens: 1 }))
    await probe(app.login, 'accessToken')
    const cores = os.availableParallelism()
    await load.call('run', { ...app.login, connections: 8, durationSeconds: 2 })
    const perRound = []
    for (let r = 0; r < rounds; r++) {
      const single = await app.server.call('argon2Time', { durationMs: 1000 })
      const hashing = await app.server.call('argon2Throughput', { durationMs: 1500 })
      await app.server.call('eldStart')
      const run = await load.call('run', { ...app.login, connections: 8, durationSeconds: 3 })
      await app.server.call('eldPause')
      perRound.push({ run, verifyMs: single.verifyMs, hashingPerSecond: hashing.verifiesPerSecond })
    }
    const eventLoopDelay = await app.server.call('eldStop')
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    const ok = perRound.reduce((s, p) => s + p.run.ok, 0)
    const seconds = perRound.reduce((s, p) => s + p.run.seconds, 0)
    const verifyMs = median(perRound.map((p) => p.verifyMs))
    return {
      database,
      requestsPerSecond: ok / seconds,
      non2xx: perRound.reduce((s, p) => s + p.run.non2xx, 0),
      p50Ms: median(perRound.map((p) => p.run.p50Ms)),
      p99Ms: median(perRound.map((p) => p.run.p99Ms)),
      cores,
      verifyMs,
      ceiling: (cores * 1000) / verifyMs,
      hashingPerSecond: median(perRound.map((p) => p.hashingPerSecond)),
      ratioToCeiling: median(perRound.map((p) => (p.run.requestsPerSecond * p.verifyMs) / (cores * 1000))),
      ratioToHashing: median(perRound.map((p) => p.run.requestsPerSecond / p.hashingPerSecond)),
      rounds: perRound.map((p) => ({
        loginsPerSecond: Math.round(p.run.requestsPerSecond),
        verifyMs: Number(p.verifyMs.toFixed(2)),
        hashingPerSecond: Math.round(p.hashingPerSecond),
      })),
      eventLoopDelay,
    }
  })
}

/** (c): login throughput against the argon2id ceiling, on SQLite and (when reachable) Postgres. */
async function login(load, pg) {
  const sqlite = await loginOn(load, 'sqlite')
  return { ...sqlite, postgres: pg ? await loginOn(load, 'postgres') : null }
}

/** Every section in order; `only` picks some by name. */
export async function runAll({ only, step, elapsed, budgetSeconds, postgresScale }) {
  const results = { startedAt: new Date().toISOString(), loadBefore: os.loadavg(), sections: {}, errors: {} }
  results.environment = await describeEnvironment()
  const pg = await pgAvailable()
  results.postgres = pg
  const load = startChild('lib/load.mjs')
  await load.ready
  const sections = [
    [
      'http',
      'HTTP: protected vs bare (Express, Fastify, Hono) and Better Auth get-session',
      () => http(load),
    ],
    ['login', 'login throughput vs the argon2id ceiling (SQLite, Postgres)', () => login(load, pg)],
    ['token', 'in-process token check vs jose.jwtVerify', () => runCaseScript('cases/token.mjs', {})],
    [
      'refresh',
      'refresh rotation vs the raw write (SQLite, Postgres)',
      async () => ({
        sqlite: await runCaseScript('cases/refresh.mjs', { database: 'sqlite', concurrency: 4 }),
        postgres: pg
          ? await runCaseScript('cases/refresh.mjs', { database: 'postgres', concurrency: 8 })
          : null,
      }),
    ],
    ['rate', 'rate-limit decision: memory, SQLite, Redis', () => runCaseScript('cases/rate-limit.mjs', {})],
    [
      'scale',
      'scale 10k vs 1M users and sessions (SQLite, then Postgres if time allows)',
      async () => {
        const sqlite = await runCaseScript('cases/scale.mjs', { database: 'sqlite' })
        const left = budgetSeconds - elapsed()
        const postgres =
          pg && postgresScale && left > 150
            ? await runCaseScript('cases/scale.mjs', { database: 'postgres' })
            : { skipped: pg ? `not enough time left (${Math.round(left)} s)` : 'Postgres not reachable' }
        return { sqlite, postgres }
      },
    ],
  ]
  try {
    for (const [name, title, fn] of sections) {
      if (only && !only.includes(name)) continue
      step(title)
      try {
        results.sections[name] = await fn()
      } catch (error) {
        console.error(`  ${name} failed: ${error.message}`)
        results.errors[name] = String(error.message)
      }
    }
  } finally {
    await load.stop()
  }
  results.loadAfter = os.loadavg()
  return results
}

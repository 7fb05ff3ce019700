// A host app on Express, Fastify or Hono with portcullis: a bare route, the same handler behind
// `requireAuth()`, and the auth router (for POST /auth/login). SQLite store; tokens minted in-process.
import { availableParallelism } from 'node:os'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { options, serve } from '../lib/child.mjs'
import { lib, rootImport } from '../lib/root.mjs'
import {
  anonymous,
  defaultHash,
  freshDbPath,
  loginMany,
  makeAuth,
  makeKeys,
  openSqlite,
  password,
  seedRevocations,
  seedUsers,
} from '../lib/setup.mjs'
import { freshPgPool, pgStore } from '../lib/stores.mjs'

const { framework, database = 'sqlite', users = 200, tokens: tokenCount = 200, revocations = 1000 } = options

async function expressApp(auth) {
  const { default: express } = await rootImport('express')
  const { expressAuth } = await lib('express')
  const app = express()
  const { router, requireAuth } = expressAuth(auth)
  const handler = (_req, res) => res.json({ user: res.locals.auth?.userId ?? anonymous })
  app.use('/auth', router)
  app.get('/bare', handler)
  app.get('/api/me', requireAuth(), handler)
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({ port: server.address().port, close: () => server.close() }),
    )
  })
}

async function fastifyApp(auth) {
  const { default: Fastify } = await rootImport('fastify')
  const { fastifyAuth } = await lib('fastify')
  const app = Fastify({ logger: false })
  await app.register(fastifyAuth(auth), { prefix: '/auth' })
  const handler = async (request) => ({ user: request.auth?.userId ?? anonymous })
  app.get('/bare', handler)
  app.get('/api/me', { onRequest: app.requireAuth() }, handler)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { port: app.server.address().port, close: () => app.close() }
}

async function honoApp(auth) {
  const { Hono } = await rootImport('hono')
  const { serve: serveNode } = await rootImport('@hono/node-server')
  const { honoAuth } = await lib('hono')
  const app = new Hono()
  const { router, requireAuth } = honoAuth(auth)
  const handler = (c) => c.json({ user: c.var.auth?.userId ?? anonymous })
  app.route('/auth', router)
  app.get('/bare', handler)
  app.get('/api/me', requireAuth(), handler)
  return new Promise((resolve) => {
    const server = serveNode({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ port: info.port, close: () => server.close() }),
    )
  })
}

const apps = { express: expressApp, fastify: fastifyApp, hono: honoApp }

/** The store: SQLite (better-sqlite3, a file of its own) or Postgres (a database of its own). */
async function openStore() {
  if (database === 'postgres') {
    const pool = await freshPgPool(`portcullis_bench_server_${framework}`)
    return { store: await pgStore(pool), close: () => pool.end() }
  }
  const { sqliteStore } = await lib('kysely')
  const db = openSqlite(freshDbPath(`server-${framework}`))
  return { store: sqliteStore(db), close: async () => db.close() }
}

const { store, close: closeStore } = await openStore()
const { keys } = await makeKeys()
const auth = await makeAuth({ store, keys })
await auth.migrate()
const passwordHash = await defaultHash()
const emails = await seedUsers(auth, users, passwordHash)
const issued = await loginMany(auth, emails, tokenCount)
await seedRevocations(store, revocations)
const app = await apps[framework](auth)

let histogram = null
const stretches = []
serve(
  {
    /** Mean time of one argon2id verify (what a login costs), one at a time, as the login ceiling's input. */
    async argon2Time({ durationMs = 1500 }) {
      const { verify } = await rootImport('@node-rs/argon2')
      const start = performance.now()
      let n = 0
      while (performance.now() - start < durationMs) {
        await verify(passwordHash, password)
        n++
      }
      return { verifyMs: (performance.now() - start) / n, samples: n }
    },
    /** argon2id verifies per second with one in flight per core and nothing else to do: what hashing can reach. */
    async argon2Throughput({ durationMs = 2000 }) {
      const { verify } = await rootImport('@node-rs/argon2')
      const until = performance.now() + durationMs
      let n = 0
      const worker = async () => {
        while (performance.now() < until) {
          await verify(passwordHash, password)
          n++
        }
      }
      const start = performance.now()
      await Promise.all(Array.from({ length: availableParallelism() }, worker))
      return {
        verifiesPerSecond: n / ((performance.now() - start) / 1000),
        concurrency: availableParallelism(),
      }
    },
    eldStart() {
      // A fresh monitor per measured stretch: a paused one would count the pause as one long delay.
      histogram = monitorEventLoopDelay({ resolution: 1 })
      histogram.enable()
      return true
    },
    eldPause() {
      histogram.disable()
      const ms = (ns) => ns / 1e6
      stretches.push({
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        maxMs: ms(histogram.max),
      })
      return true
    },
    /** Over the stretches since the last call: the median p50, the worst p99 and the worst max. */
    eldStop() {
      const taken = stretches.splice(0)
      const sorted = taken.map((x) => x.p50Ms).sort((a, b) => a - b)
      return {
        p50Ms: sorted[Math.floor(sorted.length / 2)],
        p99Ms: Math.max(...taken.map((x) => x.p99Ms)),
        maxMs: Math.max(...taken.map((x) => x.maxMs)),
        stretches: taken.length,
      }
    },
  },
  { port: app.port, accessTokens: issued.map((t) => t.accessToken), emails },
  async () => {
    await app.close()
    await auth.close()
    await closeStore()
  },
)

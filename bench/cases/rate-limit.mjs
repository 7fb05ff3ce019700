// (e) One rate-limit decision (`rateStore.hitRateLimit`: read the key's sliding log, decide, write it back,
// atomically) on the memory store and on a shared store: Redis where the build has a Redis rate store,
// otherwise SQLite. Keys spread over 10,000 client IPs, as a login limit per IP sees them.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { runCase } from '../lib/child.mjs'
import { alternate } from '../lib/measure.mjs'
import { distDir, lib, rootImport } from '../lib/root.mjs'
import { freshDbPath } from '../lib/setup.mjs'
import { sqliteStoreAt } from '../lib/stores.mjs'

const rule = { limit: 20, windowMs: 60_000 }
const keyOf = (i) => `rl:loginPerIp:10.0.${(i >> 8) & 255}.${i & 255}`

/** The Redis rate store of the build, if there is one: `{ store, close }`, or null. */
async function redisRateStore() {
  if (!existsSync(join(distDir, 'redis.js'))) return null
  const redis = await lib('redis')
  const factory = redis.redisRateStore ?? redis.redisStore
  if (typeof factory !== 'function') return null
  const { default: Redis } = await rootImport('ioredis')
  const client = new Redis(process.env.PORTCULLIS_REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
  })
  await client.connect()
  // A prefix of its own: the Redis may be shared (tests), and its keys expire by themselves.
  const store = factory(client, { prefix: `portcullis-bench-${process.pid}:` })
  return { store, close: () => client.quit() }
}

runCase(async ({ concurrency = 4, rounds = 4, roundMs = 750 }) => {
  const { memoryStore } = await lib('testing')
  const memory = memoryStore()
  const redis = await redisRateStore().catch((error) => ({ error: String(error) }))
  const sqlite = await sqliteShared()
  const stores = { memory: { store: memory }, sqlite, ...(redis?.store ? { redis } : {}) }
  const variants = Object.fromEntries(
    Object.entries(stores).map(([name, { store }]) => [
      name,
      (i) => store.hitRateLimit(keyOf(i % 10_000), rule, Date.now()),
    ]),
  )
  const result = await alternate(variants, { rounds, roundMs, warmupMs: 300, concurrency })
  await sqlite.close()
  await redis?.close?.()
  return {
    redisNote: redis?.store ? 'measured' : (redis?.error ?? 'no Redis rate store in this build'),
    ...result,
  }
})

async function sqliteShared() {
  const { db, store } = await sqliteStoreAt(freshDbPath('rate-limit'))
  await store.migrate()
  return { store, close: async () => db.close() }
}

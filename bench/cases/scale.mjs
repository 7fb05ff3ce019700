// (g) Scale: the same operations on a database of 10k and one of 1M users and sessions, measured in
// alternating rounds in one process: login (any of the N accounts), refresh (the seeded refresh tokens of 2,000
// sessions spread over all N, then their successors), and the token check of a protected request (the
// revocation cache then holds 1% of N revoked sessions).
import { performance } from 'node:perf_hooks'
import { runCase } from '../lib/child.mjs'
import { alternate } from '../lib/measure.mjs'
import { defaultHash, freshDbPath, makeAuth, makeKeys, password, requestContext } from '../lib/setup.mjs'
import { seedPostgres, seedRefreshToken, seedRevoked, seedSqlite } from '../lib/seed.mjs'
import { freshPgPool, pgStore, sqliteStoreAt } from '../lib/stores.mjs'

/** A spread of 0..n-1 that is not sequential (Knuth's multiplicative hash). */
const spread = (i, n) => Number((BigInt(i) * 2654435761n) % BigInt(n))
const label = (n) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`)

async function openSized(database, n, passwordHash) {
  const started = performance.now()
  let store
  let close
  if (database === 'postgres') {
    const pool = await freshPgPool(`portcullis_bench_scale_${label(n).toLowerCase()}`)
    store = await pgStore(pool)
    await store.migrate()
    await seedPostgres(pool, n, passwordHash)
    close = () => pool.end()
  } else {
    const opened = await sqliteStoreAt(freshDbPath(`scale-${label(n)}`))
    store = opened.store
    await store.migrate()
    seedSqlite(opened.db, n, passwordHash)
    close = async () => opened.db.close()
  }
  const seedSeconds = (performance.now() - started) / 1000
  const { keys } = await makeKeys()
  const auth = await makeAuth({ store, keys })
  // 2,000 live sessions spread over all n, each a refresh chain; the first token check reads the revocation feed.
  const slots = []
  for (let k = 0; slots.length < 2000; k++) {
    const i = spread(k + 1, n)
    if (!seedRevoked(i) && !slots.some((s) => s.i === i)) slots.push({ i, token: seedRefreshToken(i) })
  }
  return { n, auth, slots, accessTokens: [], seedSeconds, close }
}

function variantsFor(sizes, make) {
  return Object.fromEntries(sizes.map((s) => [label(s.n), make(s)]))
}

runCase(async ({ database = 'sqlite', sizes = [10_000, 1_000_000], rounds = 4, roundMs = 1000 }) => {
  const passwordHash = await defaultHash()
  const opened = []
  for (const n of sizes) opened.push(await openSized(database, n, passwordHash))
  const settings = { rounds, roundMs, warmupMs: 500 }
  let next = 0
  const refresh = await alternate(
    variantsFor(opened, (s) => async () => {
      const slot = s.slots[next++ % s.slots.length]
      const issued = await s.auth.refresh(slot.token, requestContext)
      slot.token = issued.refreshToken
      if (s.accessTokens.length < 2000) s.accessTokens.push(issued.accessToken)
    }),
    { ...settings, concurrency: 4 },
  )
  const protectedCheck = await alternate(
    variantsFor(opened, (s) => (i) => s.auth.authenticate(s.accessTokens[i % s.accessTokens.length])),
    { ...settings, concurrency: 1 },
  )
  const login = await alternate(
    variantsFor(
      opened,
      (s) => (i) => s.auth.login({ email: `user${spread(i + 7, s.n)}@bench.test`, password }, requestContext),
    ),
    { ...settings, concurrency: 8 },
  )
  for (const s of opened) {
    await s.auth.close()
    await s.close()
  }
  const seedSeconds = Object.fromEntries(opened.map((s) => [label(s.n), s.seedSeconds]))
  return { database, sizes: sizes.map(label), seedSeconds, login, refresh, protected: protectedCheck }
})

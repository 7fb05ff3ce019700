// (g) Scale: the same operations on a database of 10k and one of 1M users and sessions, measured in
// alternating rounds in one process: login (any of the N accounts), refresh (the seeded refresh tokens of 2,000
// sessions spread over all N, then their successors), and the token check of a protected request (the
// revocation cache then holds 1% of N revoked sessions).
import { randomBytes } from 'node:crypto'
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
  let raw = null
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
    raw = rawRotation(opened.db, n)
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
  return { n, auth, slots, accessTokens: [], seedSeconds, close, raw }
}

/** The raw rotation (as in the refresh case) on 4 chains that start at seeded sessions spread over all n. */
function rawRotation(db, n) {
  const id = () => randomBytes(16).toString('base64url')
  const columns =
    'id, session_id, user_id, token_hash, state, created_at, expires_at, rotated_at, successor_id, successor_sealed'
  const update = db.prepare(
    "update pc_refresh_tokens set state = 'rotated', rotated_at = ?, successor_id = ? where id = ? and state = 'active'",
  )
  const insert = db.prepare(
    `insert into pc_refresh_tokens (${columns}) values (?, ?, ?, ?, 'active', ?, ?, null, null, null)`,
  )
  // Each chain starts from a row of its own, beside a seeded session spread over all n.
  const chains = [1, 2, 3, 4].map((k) => {
    const i = spread(k * 7919, n)
    const chain = {
      sessionId: `s${String(i).padStart(21, '0')}`,
      userId: `u${String(i).padStart(21, '0')}`,
      id: id(),
    }
    insert.run(chain.id, chain.sessionId, chain.userId, id(), Date.now(), Date.now() + 86_400_000)
    return chain
  })
  const rotate = db.transaction((chain, now) => {
    const next = id()
    if (update.run(now, next, chain.id).changes !== 1) throw new Error('raw rotation lost its row')
    insert.run(next, chain.sessionId, chain.userId, id(), now, now + 86_400_000)
    chain.id = next
  })
  return async (worker) => rotate(chains[worker], Date.now())
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
  // Sub-microsecond checks: more, shorter rounds, so a burst of background load cannot tip one size.
  // SQLite: the bare UPDATE+INSERT transaction at both sizes too, to tell the B-tree's own cost of size apart.
  const rawRefresh = opened.every((s) => s.raw)
    ? await alternate(
        variantsFor(opened, (s) => (_i, w) => s.raw(w)),
        { ...settings, concurrency: 4 },
      )
    : null
  const protectedCheck = await alternate(
    variantsFor(opened, (s) => (i) => s.auth.authenticate(s.accessTokens[i % s.accessTokens.length])),
    { rounds: 10, roundMs: 250, warmupMs: 500, concurrency: 1 },
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
  return {
    database,
    sizes: sizes.map(label),
    seedSeconds,
    login,
    refresh,
    rawRefresh,
    protected: protectedCheck,
  }
})

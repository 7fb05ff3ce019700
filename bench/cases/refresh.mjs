// (d) Refresh rotation (`auth.refresh`: read token, session and user; compare-and-set UPDATE, INSERT of the
// successor and the session's last_used_at, in one transaction; sign a new access token) against the raw floor
// on the same database: the same UPDATE + INSERT by hand in one transaction.
import { createHash, randomBytes } from 'node:crypto'
import { runCase } from '../lib/child.mjs'
import { alternate } from '../lib/measure.mjs'
import {
  defaultHash,
  freshDbPath,
  loginMany,
  makeAuth,
  makeKeys,
  requestContext,
  seedUsers,
} from '../lib/setup.mjs'
import { freshPgPool, pgStore, sqliteStoreAt } from '../lib/stores.mjs'

const id = () => randomBytes(16).toString('base64url')
const columns =
  'id, session_id, user_id, token_hash, state, created_at, expires_at, rotated_at, successor_id, successor_sealed'

/** The raw rotation on SQLite: better-sqlite3 prepared statements in one transaction. */
function sqliteRaw(db) {
  const update = db.prepare(
    "update pc_refresh_tokens set state = 'rotated', rotated_at = ?, successor_id = ?, successor_sealed = ? where id = ? and state = 'active'",
  )
  const insert = db.prepare(
    `insert into pc_refresh_tokens (${columns}) values (?, ?, ?, ?, 'active', ?, ?, null, null, null)`,
  )
  const rotate = db.transaction((chain, nextId, now) => {
    if (update.run(now, nextId, null, chain.id).changes !== 1) throw new Error('raw rotation lost its row')
    insert.run(nextId, chain.sessionId, chain.userId, id(), now, now + 86_400_000)
  })
  return async (chain) => {
    const nextId = id()
    rotate(chain, nextId, Date.now())
    chain.id = nextId
  }
}

/** The raw rotation on Postgres: BEGIN, UPDATE, INSERT, COMMIT on one pooled connection. */
function pgRaw(pool) {
  return async (chain) => {
    const nextId = id()
    const now = Date.now()
    const client = await pool.connect()
    try {
      await client.query('begin')
      const updated = await client.query(
        "update pc_refresh_tokens set state = 'rotated', rotated_at = $1, successor_id = $2, successor_sealed = $3 where id = $4 and state = 'active'",
        [now, nextId, null, chain.id],
      )
      if (updated.rowCount !== 1) throw new Error('raw rotation lost its row')
      await client.query(
        `insert into pc_refresh_tokens (${columns}) values ($1, $2, $3, $4, 'active', $5, $6, null, null, null)`,
        [nextId, chain.sessionId, chain.userId, id(), now, now + 86_400_000],
      )
      await client.query('commit')
    } catch (error) {
      await client.query('rollback').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
    chain.id = nextId
  }
}

async function open(database) {
  if (database === 'postgres') {
    const pool = await freshPgPool('portcullis_bench_refresh')
    return { store: await pgStore(pool), makeRaw: () => pgRaw(pool), close: () => pool.end() }
  }
  const { db, store } = await sqliteStoreAt(freshDbPath('refresh'))
  return { store, makeRaw: () => sqliteRaw(db), close: async () => db.close() }
}

runCase(async ({ database = 'sqlite', concurrency = 4, rounds = 4, roundMs = 1500 }) => {
  const { store, makeRaw, close } = await open(database)
  const { keys } = await makeKeys()
  const auth = await makeAuth({ store, keys })
  await auth.migrate()
  const raw = makeRaw()
  const emails = await seedUsers(auth, 16, await defaultHash())
  // One refresh-token chain per worker for each side, so no two calls ever race for the same token.
  const libChains = (await loginMany(auth, emails, concurrency)).map((t) => t.refreshToken)
  // The raw chains start from refresh tokens of sessions of their own, found by their SHA-256 as stored.
  const rawChains = []
  for (const t of await loginMany(auth, emails, concurrency)) {
    const row = await store.findRefreshToken(createHash('sha256').update(t.refreshToken).digest('base64url'))
    if (!row) throw new Error('seeded refresh token not found')
    rawChains.push({ sessionId: t.sessionId, userId: t.user.id, id: row.id })
  }
  const result = await alternate(
    {
      portcullis: async (_i, w) => {
        libChains[w] = (await auth.refresh(libChains[w], requestContext)).refreshToken
      },
      raw: (_i, w) => raw(rawChains[w]),
    },
    { rounds, roundMs, warmupMs: 500, concurrency },
  )
  await auth.close()
  await close()
  return { database, ...result }
})

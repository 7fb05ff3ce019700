import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redisRateStore } from '../../adapters/redis/index.js'
import { freshPgDatabase, pgUrl, redisUrl, skipWithout, uniqueName } from '../servers.js'
import { type ApiResponse, type ClusterEnv, type Instance, startCluster, tally } from './cluster.js'

// Abuse protection and revocation across processes: three demo servers (child processes on 127.0.0.1) share
// one fresh Postgres database and one Redis (a fresh key prefix), and the requests of each scenario are spread
// over the three. Each scenario speaks as its own client IP (X-Forwarded-For; the demo trusts one proxy hop),
// so the per-IP limits of one scenario do not touch another.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const password = 'Xy7!kqpz-Lmno'
const lockThreshold = 5
const registerLimit = 7

/** The settings of every instance (PORTCULLIS_CONFIG). */
const settings = (reuseGraceSeconds: number) => ({
  // One public URL for all instances, as behind a load balancer: it is the issuer and audience of the access
  // tokens, so each instance accepts the others' (the demo's own default, localhost:PORT, differs per port).
  appUrl: 'http://app.localhost:8080',
  // Cheap hashing: the scenarios send hundreds of logins on two cores; the cost is not what is tested.
  hashing: { memoryCostKiB: 8192, timeCost: 1, parallelism: 1 },
  verification: { required: false },
  lockout: { threshold: lockThreshold },
  rateLimits: {
    // Out of the way, so that the lockout alone decides scenario (a) and the refresh races (c).
    loginPerIpEmail: { limit: 10_000, windowSeconds: 60 },
    loginPerIp: { limit: 10_000, windowSeconds: 60 },
    loginPerIpDaily: { limit: 10_000, windowSeconds: 86_400 },
    token: { limit: 10_000, windowSeconds: 60 },
    register: { limit: registerLimit, windowSeconds: 3600 },
  },
  refreshToken: { reuseGraceSeconds },
  // A minute between polls of the store's feed: a revocation seen sooner by another instance came via Redis.
  revocation: { pollIntervalMs: 60_000 },
})

const spread = <T>(instances: Instance[], n: number, fn: (instance: Instance, i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => fn(instances[i % instances.length] as Instance, i)))

const codeOf = (r: ApiResponse) => r.body.error?.code

describe.skipIf(
  skipWithout('PORTCULLIS_PG_URL', pgUrl, 'the multi-instance test') ||
    skipWithout('PORTCULLIS_REDIS_URL', redisUrl, 'the multi-instance test'),
)('three demo processes on one Postgres and one Redis', () => {
  let database: Awaited<ReturnType<typeof freshPgDatabase>>
  let shared: ClusterEnv
  let redis: Redis
  let sql: pg.Pool

  beforeAll(async () => {
    const [db, keys, dataDir] = await Promise.all([
      freshPgDatabase(pgUrl as string, 'multi'),
      promisify(execFile)('npx', ['tsx', 'src/cli.ts', 'keys'], { cwd: repoRoot }),
      mkdtemp(join(tmpdir(), 'portcullis-multi-')),
    ])
    database = db
    shared = {
      databaseUrl: db.url,
      redisUrl: redisUrl as string,
      redisKeyPrefix: `${uniqueName('multi')}:`,
      authKeys: keys.stdout.trim(),
      dataDir,
    }
    redis = new Redis(redisUrl as string)
    sql = new pg.Pool({ connectionString: db.url, max: 2 })
  }, 60_000)

  afterAll(async () => {
    await sql?.end()
    if (redis) {
      const keys = await redis.keys(`${shared.redisKeyPrefix}*`)
      if (keys.length > 0) await redis.del(...keys)
      await redis.quit()
    }
    await database?.drop()
    if (shared) await rm(shared.dataDir, { recursive: true, force: true })
  }, 60_000)

  /** Registers (verification is off in these settings) and signs in; returns the bearer tokens. */
  async function account(instance: Instance, email: string, ip: string) {
    expect((await instance.call('POST', '/auth/register', { ip, body: { email, password } })).status).toBe(
      202,
    )
    const login = await instance.call('POST', '/auth/login', { ip, body: { email, password } })
    expect(login.status).toBe(200)
    return { accessToken: String(login.body.accessToken), refreshToken: String(login.body.refreshToken) }
  }

  describe('refresh grace 0', () => {
    let nodes: Instance[]
    beforeAll(async () => {
      nodes = await startCluster('grace-0', 3, shared, settings(0))
    }, 120_000)
    afterAll(async () => {
      await Promise.all((nodes ?? []).map((n) => n.demo.stop()))
    }, 30_000)

    it('(a) 200 parallel wrong passwords for one account: 4 answer 401, the rest 423; no failure is lost', async () => {
      const email = 'victim@example.com'
      const ip = '198.51.100.1'
      await account(nodes[0] as Instance, email, '198.51.100.2')
      const started = Date.now()
      const results = await spread(nodes, 200, (node) =>
        node.call('POST', '/auth/login', { ip, body: { email, password: 'wrong-password' } }),
      )
      const ms = Date.now() - started
      // The failure that reaches the threshold already answers 423, and so does every one counted after it.
      expect(tally(results)).toEqual({
        '401 INVALID_CREDENTIALS': lockThreshold - 1,
        '423 ACCOUNT_LOCKED': 200 - (lockThreshold - 1),
      })
      for (const r of results.filter((r) => r.status === 423))
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)

      // Every attempt that got past the lock check (the pre-check reads the state before hashing) was counted
      // exactly once: the counter in Redis equals the failures audited in Postgres, by all three instances.
      const state = await redisRateStore(redis, { prefix: shared.redisKeyPrefix }).getLockout(
        `lockout:login:${email}`,
      )
      const audited = await sql.query<{ type: string; n: string }>(
        `select type, count(*) as n from pc_audit_events
           where user_id = (select id from pc_users where email_normalized = $1) group by type`,
        [email],
      )
      const count = (type: string) => Number(audited.rows.find((r) => r.type === type)?.n ?? 0)
      expect(state?.failures).toBe(count('login.failure'))
      expect(state?.failures).toBeGreaterThanOrEqual(lockThreshold)
      expect(state?.failures).toBeLessThanOrEqual(200)
      expect(count('lockout')).toBe(1)
      console.info(
        `(a) 200 logins over 3 instances in ${ms} ms: ${JSON.stringify(tally(results))}; ` +
          `failures counted ${state?.failures} (the other ${200 - (state?.failures ?? 0)} were refused by the pre-check)`,
      )

      // Locked everywhere, even for the right password.
      for (const node of nodes)
        expect(codeOf(await node.call('POST', '/auth/login', { ip, body: { email, password } }))).toBe(
          'ACCOUNT_LOCKED',
        )
    }, 60_000)

    it(`(b) ${registerLimit} + 13 parallel registrations from one IP: exactly ${registerLimit} get through`, async () => {
      const ip = '198.51.100.3'
      const results = await spread(nodes, registerLimit + 13, (node, i) =>
        node.call('POST', '/auth/register', { ip, body: { email: `burst-${i}@example.com`, password } }),
      )
      expect(tally(results)).toEqual({ '202': registerLimit, '429 RATE_LIMITED': 13 })
      for (const r of results.filter((r) => r.status === 429)) {
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
        expect(r.headers.get('ratelimit-limit')).toBe(String(registerLimit))
      }
      // The limit holds on every instance afterwards, for this IP only.
      for (const node of nodes) {
        const again = await node.call('POST', '/auth/register', {
          ip,
          body: { email: 'late@example.com', password },
        })
        expect(again.status).toBe(429)
      }
    }, 60_000)

    it('(c) 50 parallel refreshes of one token: exactly one 200; the family is revoked everywhere', async () => {
      const ip = '198.51.100.4'
      const tokens = await account(nodes[1] as Instance, 'racer@example.com', ip)
      for (const node of nodes)
        expect((await node.call('GET', '/auth/me', { accessToken: tokens.accessToken })).status).toBe(200)
      const results = await spread(nodes, 50, (node) =>
        node.call('POST', '/auth/token/refresh', { ip, body: { refreshToken: tokens.refreshToken } }),
      )
      const winners = results.filter((r) => r.status === 200)
      expect(winners).toHaveLength(1)
      for (const r of results.filter((r) => r.status !== 200)) {
        expect(r.status).toBe(401)
        expect(['TOKEN_REUSED', 'TOKEN_INVALID']).toContain(codeOf(r))
      }
      expect(results.filter((r) => codeOf(r) === 'TOKEN_REUSED').length).toBeGreaterThan(0)
      console.info(`(c) 50 refreshes over 3 instances: ${JSON.stringify(tally(results))}`)
      // With grace 0 every loser is a reuse, so the winner's tokens die with the session, on every instance.
      const winner = winners[0]?.body as { accessToken: string; refreshToken: string }
      for (const node of nodes) {
        expect((await node.call('GET', '/auth/me', { accessToken: winner.accessToken })).status).toBe(401)
        const next = await node.call('POST', '/auth/token/refresh', {
          ip,
          body: { refreshToken: winner.refreshToken },
        })
        expect([next.status, codeOf(next)]).toEqual([401, 'TOKEN_INVALID'])
      }
    }, 60_000)
  })

  describe('refresh grace 1 s', () => {
    let nodes: Instance[]
    beforeAll(async () => {
      nodes = await startCluster('grace-1', 3, shared, settings(1))
    }, 120_000)
    afterAll(async () => {
      await Promise.all((nodes ?? []).map((n) => n.demo.stop()))
    }, 30_000)

    it('(c) replay within the grace window, reuse after it: 401 TOKEN_REUSED, and at once 401 on every instance', async () => {
      const [a, b, c] = nodes as [Instance, Instance, Instance]
      const ip = '198.51.100.5'
      const first = await account(a, 'grace@example.com', ip)
      const rotated = await b.call('POST', '/auth/token/refresh', {
        ip,
        body: { refreshToken: first.refreshToken },
      })
      expect(rotated.status).toBe(200)
      const successor = rotated.body as { accessToken: string; refreshToken: string }
      // Within the window the parent replays to the same successor, on another instance.
      const replayed = await c.call('POST', '/auth/token/refresh', {
        ip,
        body: { refreshToken: first.refreshToken },
      })
      expect(replayed.status).toBe(200)
      expect(replayed.body.refreshToken).toBe(successor.refreshToken)
      // The successor works everywhere: each instance has now followed the feed and subscribed to Redis.
      const before = await Promise.all(
        nodes.map((node) => node.call('GET', '/auth/me', { accessToken: successor.accessToken })),
      )
      expect(before.map((r) => r.status)).toEqual([200, 200, 200])

      await new Promise((resolve) => setTimeout(resolve, 1100))
      const reused = await a.call('POST', '/auth/token/refresh', {
        ip,
        body: { refreshToken: first.refreshToken },
      })
      expect([reused.status, codeOf(reused)]).toEqual([401, 'TOKEN_REUSED'])
      // No waiting: the other instances poll the store once a minute here, so only Redis can have told them.
      const started = Date.now()
      const after = await Promise.all(
        nodes.map((node) => node.call('GET', '/auth/me', { accessToken: successor.accessToken })),
      )
      expect(after.map((r) => r.status)).toEqual([401, 401, 401])
      console.info(
        `(c) the successor's access token refused by all three instances; the three checks, sent with no wait ` +
          `after the reuse answer, took ${Date.now() - started} ms`,
      )
      const next = await c.call('POST', '/auth/token/refresh', {
        ip,
        body: { refreshToken: successor.refreshToken },
      })
      expect([next.status, codeOf(next)]).toEqual([401, 'TOKEN_INVALID'])
    }, 60_000)
  })
})

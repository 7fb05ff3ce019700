import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type DemoProcess, freePort, startDemo } from '../demo/demo-process.js'

/** A response of the demo's API, body parsed. */
export interface ApiResponse {
  status: number
  headers: Headers
  body: { error?: { code?: string } } & Record<string, unknown>
}

/** One demo process of a cluster and how to speak to it (over 127.0.0.1, bearer transport). */
export interface Instance {
  port: number
  demo: DemoProcess
  /** A request as the client at `ip` (X-Forwarded-For; the demo runs with TRUST_PROXY=1). */
  call(
    method: string,
    path: string,
    options?: { ip?: string; body?: unknown; accessToken?: string },
  ): Promise<ApiResponse>
}

/** What every instance of a cluster shares. */
export interface ClusterEnv {
  databaseUrl: string
  redisUrl: string
  redisKeyPrefix: string
  authKeys: string
  dataDir: string
}

/**
 * Starts `count` demo processes (`npx tsx examples/demo/server.ts`) on 127.0.0.1, each on its own port, with
 * one shared database, Redis, key ring and `settings` (written to a PORTCULLIS_CONFIG file).
 */
export async function startCluster(
  name: string,
  count: number,
  shared: ClusterEnv,
  settings: Record<string, unknown>,
): Promise<Instance[]> {
  const configPath = join(shared.dataDir, `${name}.json`)
  await writeFile(configPath, JSON.stringify(settings))
  const ports: number[] = []
  for (let i = 0; i < count; i++) ports.push(await freePort())
  const started = await Promise.allSettled(
    ports.map((port) =>
      startDemo(
        {
          PORT: String(port),
          DEMO_HOST: '127.0.0.1',
          DEMO_DATA_DIR: shared.dataDir,
          DATABASE_URL: shared.databaseUrl,
          REDIS_URL: shared.redisUrl,
          REDIS_KEY_PREFIX: shared.redisKeyPrefix,
          AUTH_KEYS: shared.authKeys,
          PORTCULLIS_CONFIG: configPath,
          TRUST_PROXY: '1',
        },
        90_000,
      ),
    ),
  )
  const failed = started.find((s) => s.status === 'rejected')
  if (failed) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)))
    throw (failed as PromiseRejectedResult).reason
  }
  return started.map((s, i) => instance(ports[i] as number, (s as PromiseFulfilledResult<DemoProcess>).value))
}

function instance(port: number, demo: DemoProcess): Instance {
  const origin = `http://127.0.0.1:${port}`
  return {
    port,
    demo,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { 'X-Auth-Transport': 'bearer' }
      if (options.ip) headers['X-Forwarded-For'] = options.ip
      if (options.accessToken) headers.Authorization = `Bearer ${options.accessToken}`
      if (options.body !== undefined) headers['Content-Type'] = 'application/json'
      const res = await fetch(`${origin}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(30_000),
      })
      const text = await res.text()
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} }
    },
  }
}

/** How many times each value occurs, e.g. `{ '401 INVALID_CREDENTIALS': 4, '423 ACCOUNT_LOCKED': 196 }`. */
export function tally(responses: readonly ApiResponse[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const r of responses) {
    const key = r.body.error?.code ? `${r.status} ${r.body.error.code}` : String(r.status)
    counts[key] = (counts[key] ?? 0) + 1
  }
  return counts
}

import { resolve } from 'node:path'

/** The demo's knobs, read once from the environment (http-contract.md, "The demo server"). */
export interface DemoEnv {
  port: number
  /** The address to listen on (`DEMO_HOST`, e.g. `127.0.0.1`); absent: every interface. */
  host: string | undefined
  /** `http://localhost:$PORT`: links in mails and the default allowed origin. */
  appUrl: string
  production: boolean
  /** Where the SQLite file and the development key ring live (`DEMO_DATA_DIR`, default `./.data`). */
  dataDir: string
  databaseUrl: string | undefined
  redisUrl: string | undefined
  /** Put before every Redis key and the revocation channel (`REDIS_KEY_PREFIX`, default `portcullis:`). */
  redisKeyPrefix: string
  trustProxy: number
  /** Allowed origins: the demo's own, then `CORS_ORIGINS`. */
  corsOrigins: string[]
  configPath: string | undefined
  admin: { email: string; password: string } | undefined
  authKeys: string | undefined
}

/** A knob with a value the demo cannot use; the message names the variable. */
export class DemoEnvError extends Error {
  override readonly name = 'DemoEnvError'
}

type Env = Record<string, string | undefined>

/** Reads and checks the demo's environment variables. */
export function readDemoEnv(env: Env = process.env): DemoEnv {
  const port = readPort(env.PORT)
  const ownOrigins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`]
  const extraOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter((o) => o !== '')
  return {
    port,
    host: nonEmpty(env.DEMO_HOST),
    appUrl: `http://localhost:${port}`,
    production: env.NODE_ENV === 'production',
    dataDir: resolve(nonEmpty(env.DEMO_DATA_DIR) ?? './.data'),
    databaseUrl: nonEmpty(env.DATABASE_URL),
    redisUrl: nonEmpty(env.REDIS_URL),
    redisKeyPrefix: nonEmpty(env.REDIS_KEY_PREFIX) ?? 'portcullis:',
    trustProxy: readHops(env.TRUST_PROXY),
    corsOrigins: [...new Set([...ownOrigins, ...extraOrigins])],
    configPath: nonEmpty(env.PORTCULLIS_CONFIG),
    admin: readAdmin(env),
    authKeys: nonEmpty(env.AUTH_KEYS),
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}

function readPort(value: string | undefined): number {
  const text = nonEmpty(value)
  if (text === undefined) return 3000
  const port = Number(text)
  // Port 0 would make the OS pick one, but appUrl (the links in mails) must name the real port.
  if (!/^\d+$/.test(text) || port < 1 || port > 65535)
    throw new DemoEnvError(`PORT must be a port number from 1 to 65535, got "${text}"`)
  return port
}

function readHops(value: string | undefined): number {
  const text = nonEmpty(value)
  if (text === undefined) return 0
  if (!/^\d+$/.test(text)) throw new DemoEnvError(`TRUST_PROXY must be a hop count (0, 1, 2…), got "${text}"`)
  return Number(text)
}

function readAdmin(env: Env): DemoEnv['admin'] {
  const email = nonEmpty(env.DEMO_ADMIN_EMAIL)
  const password = env.DEMO_ADMIN_PASSWORD
  if (email === undefined && !password) return undefined
  if (email === undefined || !password)
    throw new DemoEnvError('DEMO_ADMIN_EMAIL and DEMO_ADMIN_PASSWORD must be set together')
  return { email, password }
}

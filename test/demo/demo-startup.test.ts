import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyRingSpec, serializeKeyRing } from '../../src/index.js'
import { freePort, runToExit, startDemo } from './demo-process.js'

// Black-box start-up checks of `npm run demo`: knobs that stop it, and production mode.

let dataDir: string

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'portcullis-demo-start-'))
})

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

describe('demo start-up', () => {
  it('fails on a bad PORTCULLIS_CONFIG file, naming the key path', async () => {
    const file = join(dataDir, 'bad-config.json')
    await writeFile(file, JSON.stringify({ lockout: { threshold: 'five' } }))
    const result = await runToExit({
      PORT: String(await freePort()),
      DEMO_DATA_DIR: dataDir,
      PORTCULLIS_CONFIG: file,
    })
    expect(result.code).not.toBe(0)
    expect(result.code).not.toBe('timeout')
    expect(result.stderr).toContain('lockout.threshold')
  })

  it('exits 1 with the reason when the Postgres of DATABASE_URL or the Redis of REDIS_URL does not answer', async () => {
    const closed = await freePort()
    const [postgres, redis] = await Promise.all([
      runToExit({
        PORT: String(await freePort()),
        DEMO_DATA_DIR: dataDir,
        DATABASE_URL: `postgres://demo@127.0.0.1:${closed}/demo`,
      }),
      runToExit({
        PORT: String(await freePort()),
        DEMO_DATA_DIR: dataDir,
        REDIS_URL: `redis://127.0.0.1:${closed}`,
      }),
    ])
    expect(postgres.code).toBe(1)
    expect(postgres.stderr).toContain(`ECONNREFUSED 127.0.0.1:${closed}`)
    expect(redis.code).toBe(1)
    expect(redis.stderr).toContain(`REDIS_URL: cannot connect (connect ECONNREFUSED 127.0.0.1:${closed})`)
  })

  it('requires AUTH_KEYS in production', async () => {
    const result = await runToExit({
      PORT: String(await freePort()),
      DEMO_DATA_DIR: dataDir,
      NODE_ENV: 'production',
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('keys')
  })

  it('in production: no /dev/mail, Secure __Host- cookies, pages still served', async () => {
    const port = await freePort()
    const keys = serializeKeyRing(generateKeyRingSpec((n) => new Uint8Array(randomBytes(n))))
    const prod = await startDemo({
      PORT: String(port),
      DEMO_DATA_DIR: dataDir,
      NODE_ENV: 'production',
      AUTH_KEYS: keys,
    })
    try {
      const origin = `http://localhost:${port}`
      expect((await fetch(`${origin}/dev/mail?to=ada.lovelace%40example.com`)).status).toBe(404)
      expect((await fetch(`${origin}/login`)).status).toBe(200)
      const csrf = await fetch(`${origin}/auth/csrf`)
      const cookie = csrf.headers.getSetCookie().join('\n')
      expect(cookie).toMatch(/^__Host-pc_csrf=/)
      expect(cookie).toMatch(/; Secure/i)
    } finally {
      await prod.stop()
    }
  })
})

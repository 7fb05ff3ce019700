import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { deepMerge, demoSettings } from '../../examples/demo/auth-config.js'
import { loadOrCreateDevKeys } from '../../examples/demo/dev-keys.js'
import { DemoEnvError, readDemoEnv } from '../../examples/demo/env.js'
import { settingsSchema } from '../../src/index.js'

// The demo's knobs in process (the black-box tests in demo.test.ts start the real server).

describe('readDemoEnv', () => {
  it('defaults: port 3000, SQLite under ./.data, the demo’s own two origins', () => {
    const env = readDemoEnv({})
    expect(env).toMatchObject({
      port: 3000,
      appUrl: 'http://localhost:3000',
      production: false,
      trustProxy: 0,
    })
    expect(env.dataDir).toBe(join(process.cwd(), '.data'))
    expect(env.corsOrigins).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000'])
    expect(env.admin).toBeUndefined()
  })

  it('adds CORS_ORIGINS beside the demo’s own and reads TRUST_PROXY as a hop count', () => {
    const env = readDemoEnv({
      PORT: '8080',
      CORS_ORIGINS: ' https://a.example, https://b.example/ ,',
      TRUST_PROXY: '2',
    })
    expect(env.corsOrigins).toEqual([
      'http://localhost:8080',
      'http://127.0.0.1:8080',
      'https://a.example',
      'https://b.example',
    ])
    expect(env.trustProxy).toBe(2)
  })

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ TRUST_PROXY: 'yes' }, /TRUST_PROXY/],
    [{ DEMO_ADMIN_EMAIL: 'root@example.com' }, /DEMO_ADMIN_PASSWORD/],
  ])('refuses %j', (vars, message) => {
    expect(() => readDemoEnv(vars)).toThrow(DemoEnvError)
    expect(() => readDemoEnv(vars)).toThrow(message)
  })
})

describe('demoSettings', () => {
  it('is valid for createAuth, with plain-HTTP cookies outside production only', () => {
    const dev = settingsSchema.parse(demoSettings(readDemoEnv({ TRUST_PROXY: '1' }), undefined))
    expect(dev.http.cookies.secure).toBe(false)
    expect(dev.http.trustProxy).toBe(1)
    expect(dev.http.cors.origins).toContain('http://127.0.0.1:3000')
    const prod = settingsSchema.parse(demoSettings(readDemoEnv({ NODE_ENV: 'production' }), 'pcks1.x'))
    expect(prod.http.cookies.secure).toBeUndefined()
    expect(prod.keys).toBe('pcks1.x')
  })

  it('deep-merges a config file: objects key by key, arrays and scalars replace', () => {
    const merged = deepMerge(
      { appUrl: 'http://localhost:3000', http: { cookies: { secure: false }, cors: { origins: ['a'] } } },
      { http: { cors: { origins: ['b'] }, trustProxy: 1 }, lockout: { threshold: 3 } },
    )
    expect(merged).toEqual({
      appUrl: 'http://localhost:3000',
      http: { cookies: { secure: false }, cors: { origins: ['b'] }, trustProxy: 1 },
      lockout: { threshold: 3 },
    })
  })

  it('does not let a file reach the prototype', () => {
    const merged = deepMerge({}, JSON.parse('{"__proto__": {"polluted": true}}'))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
  })
})

describe('loadOrCreateDevKeys', () => {
  let dir: string | undefined
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('creates one ring and hands the same one to every caller, even when they race', async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-keys-'))
    const dataDir = join(dir, 'nested', '.data')
    const rings = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateDevKeys(dataDir)))
    expect(new Set(rings).size).toBe(1)
    expect(rings[0]).toMatch(/^pcks1\./)
    expect((await readFile(join(dataDir, 'keys'), 'utf8')).trim()).toBe(rings[0])
    // No temp files are left behind.
    expect(await readdir(dataDir)).toEqual(['keys'])
    expect(await loadOrCreateDevKeys(dataDir)).toBe(rings[0])
  })
})

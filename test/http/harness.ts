import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import request from 'supertest'
import { expressAuth } from '../../adapters/express/index.js'
import { fastifyAuth, fastifyFrameworkErrors } from '../../adapters/fastify/index.js'
import { type AuthEnv, honoAuth } from '../../adapters/hono/index.js'
import type { Auth } from '../../src/auth-types.js'
import type { AuthConfig } from '../../src/config.js'
import { createAuth } from '../../src/create-auth.js'
import type { Logger } from '../../src/ports.js'
import {
  type CapturedMailer,
  capturedMailer,
  type FakeClock,
  fakeClock,
  memoryStore,
} from '../../src/testing/index.js'

/** The three frameworks every scenario runs against. */
export const adapterNames = ['express', 'fastify', 'hono'] as const
export type AdapterName = (typeof adapterNames)[number]

/** A request as the scenarios write it: the body is sent exactly as given. */
export interface TestRequest {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string
  /** The socket peer address the framework should report (default 127.0.0.1). */
  remoteAddress?: string
}

/** A response, the same whichever framework answered. */
export interface TestResponse {
  status: number
  /** Lower-cased names; `set-cookie` always as an array. */
  headers: Record<string, string> & { 'set-cookie'?: never }
  cookies: string[]
  text: string
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field
  body: any
}

export type Send = (req: TestRequest) => Promise<TestResponse>

/** Config the scenarios may override; the ports and the speed settings are fixed by the harness. */
export type ScenarioConfig = Partial<Omit<AuthConfig, 'store' | 'mailer' | 'clock'>>

/** A logger that keeps what it is told, so tests can read the server-side log. */
export interface MemoryLogger extends Logger {
  lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }>
}

export function memoryLogger(): MemoryLogger {
  const lines: MemoryLogger['lines'] = []
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, ...(fields ? { fields } : {}) })
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** One auth instance served by one framework. */
export interface TestApp {
  adapter: AdapterName
  auth: Auth
  mailer: CapturedMailer
  clock: FakeClock
  logger: MemoryLogger
  send: Send
  close(): Promise<void>
}

/** Builds an auth instance with fast hashing and in-memory ports. */
export function makeAuth(config: ScenarioConfig = {}) {
  const mailer = capturedMailer()
  const clock = fakeClock()
  const logger = memoryLogger()
  const auth = createAuth({
    appUrl: 'http://localhost:3000',
    hashing: { memoryCostKiB: 8192, timeCost: 1 },
    logger,
    ...config,
    store: memoryStore(),
    mailer,
    clock,
  })
  return { auth, mailer, clock, logger }
}

function toResponse(status: number, rawHeaders: Record<string, unknown>, text: string): TestResponse {
  const headers: Record<string, string> = {}
  let cookies: string[] = []
  for (const [name, value] of Object.entries(rawHeaders)) {
    const key = name.toLowerCase()
    if (key === 'set-cookie') cookies = Array.isArray(value) ? value.map(String) : [String(value)]
    else if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  let body: unknown = null
  try {
    body = text === '' ? null : JSON.parse(text)
  } catch {
    body = text
  }
  return { status, headers: headers as TestResponse['headers'], cookies, text, body }
}

function expressApp(auth: Auth): Send {
  const app = express()
  const a = expressAuth(auth)
  app.use('/auth', a.router)
  app.get('/api/throttled', a.throttle(), (_req, res) => void res.json({ ok: true }))
  app.get('/api/me', a.requireAuth(), (_req, res) => void res.json({ userId: res.locals.auth?.userId }))
  app.post('/api/me', a.requireAuth(), (_req, res) => void res.json({ userId: res.locals.auth?.userId }))
  app.get('/api/admin', a.requireRole('admin'), (_req, res) => void res.json({ ok: true }))
  app.get('/api/users', a.requirePermission('users:read'), (_req, res) => void res.json({ ok: true }))
  app.get(
    '/api/any',
    a.requirePermission({ anyOf: ['nope', 'users:read'] }),
    (_req, res) => void res.json({ ok: true }),
  )
  app.get(
    '/api/all',
    a.requirePermission({ allOf: ['users:read', 'users:write'] }),
    (_req, res) => void res.json({ ok: true }),
  )
  app.get('/api/reports', a.requireScope('reports:read'), (_req, res) => {
    res.json({ userId: res.locals.auth?.userId, via: res.locals.auth?.via })
  })
  app.get(
    '/page',
    a.securityHeaders(),
    (_req, res) => void res.send(`<script nonce="${res.locals.cspNonce}"></script>`),
  )
  return async (req) => {
    let r = request(app)[req.method.toLowerCase() as 'get'](req.path).buffer(true)
    r = r.parse((res, cb) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => cb(null, text))
    })
    for (const [name, value] of Object.entries(req.headers ?? {})) r = r.set(name, value)
    if (req.body !== undefined) r = r.serialize((x: unknown) => x as string).send(req.body)
    const res = await r
    return toResponse(res.status, res.headers as Record<string, unknown>, (res.body as string) ?? '')
  }
}

async function fastifyApp(auth: Auth): Promise<{ send: Send; close(): Promise<void> }> {
  const app = Fastify({ frameworkErrors: fastifyFrameworkErrors(auth) })
  await app.register(fastifyAuth(auth), { prefix: '/auth' })
  const reply = (request: { auth: { userId: string } | null }) => ({ userId: request.auth?.userId })
  app.get('/api/throttled', { onRequest: app.throttle() }, async () => ({ ok: true }))
  app.get('/api/me', { onRequest: app.requireAuth() }, async (request) => reply(request))
  app.post('/api/me', { onRequest: app.requireAuth() }, async (request) => reply(request))
  app.get('/api/admin', { onRequest: app.requireRole('admin') }, async () => ({ ok: true }))
  app.get('/api/users', { onRequest: app.requirePermission('users:read') }, async () => ({ ok: true }))
  app.get('/api/any', { onRequest: app.requirePermission({ anyOf: ['nope', 'users:read'] }) }, async () => ({
    ok: true,
  }))
  app.get(
    '/api/all',
    { onRequest: app.requirePermission({ allOf: ['users:read', 'users:write'] }) },
    async () => ({
      ok: true,
    }),
  )
  app.get('/api/reports', { onRequest: app.requireScope('reports:read') }, async (request) => ({
    userId: request.auth?.userId,
    via: request.auth?.via,
  }))
  await app.ready()
  return {
    close: () => app.close(),
    send: async (req) => {
      const res = await app.inject({
        method: req.method as 'GET',
        url: req.path,
        headers: req.headers ?? {},
        remoteAddress: req.remoteAddress ?? '127.0.0.1',
        ...(req.body !== undefined ? { payload: req.body } : {}),
      })
      return toResponse(res.statusCode, res.headers as Record<string, unknown>, res.body)
    },
  }
}

function honoApp(auth: Auth): Send {
  const app = new Hono<AuthEnv>()
  const a = honoAuth(auth)
  app.route('/auth', a.router)
  const me = (c: { var: { auth: { userId: string } }; json: (v: unknown) => Response }) =>
    c.json({ userId: c.var.auth.userId })
  app.get('/api/throttled', a.throttle(), (c) => c.json({ ok: true }))
  app.get('/api/me', a.requireAuth(), (c) => me(c))
  app.post('/api/me', a.requireAuth(), (c) => me(c))
  app.get('/api/admin', a.requireRole('admin'), (c) => c.json({ ok: true }))
  app.get('/api/users', a.requirePermission('users:read'), (c) => c.json({ ok: true }))
  app.get('/api/any', a.requirePermission({ anyOf: ['nope', 'users:read'] }), (c) => c.json({ ok: true }))
  app.get('/api/all', a.requirePermission({ allOf: ['users:read', 'users:write'] }), (c) =>
    c.json({ ok: true }),
  )
  app.get('/api/reports', a.requireScope('reports:read'), (c) =>
    c.json({ userId: c.var.auth.userId, via: c.var.auth.via }),
  )
  return async (req) => {
    // What @hono/node-server passes as env: the Node request, whose socket the adapter reads.
    const env = {
      incoming: { socket: { remoteAddress: req.remoteAddress ?? '127.0.0.1', encrypted: false } },
    }
    const init: RequestInit = { method: req.method, headers: req.headers ?? {} }
    if (req.body !== undefined) init.body = req.body
    const res = await app.request(`http://localhost${req.path}`, init, env)
    const headers: Record<string, unknown> = Object.fromEntries(res.headers)
    headers['set-cookie'] = res.headers.getSetCookie()
    if (res.headers.getSetCookie().length === 0) delete headers['set-cookie']
    return toResponse(res.status, headers, await res.text())
  }
}

/** Serves a fresh auth instance through one framework. */
export async function makeApp(adapter: AdapterName, config: ScenarioConfig = {}): Promise<TestApp> {
  const made = makeAuth(config)
  let send: Send
  let closeApp = async () => {}
  if (adapter === 'express') send = expressApp(made.auth)
  else if (adapter === 'hono') send = honoApp(made.auth)
  else {
    const f = await fastifyApp(made.auth)
    send = f.send
    closeApp = f.close
  }
  return {
    adapter,
    ...made,
    send,
    close: async () => {
      await closeApp()
      await made.auth.close()
    },
  }
}

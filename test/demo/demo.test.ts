import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrowserClient } from './browser-client.js'
import { type DemoProcess, delay, freePort, startDemo } from './demo-process.js'

// Black-box tests of `npm run demo`: the demo runs as a child process and is spoken to over HTTP only.

const admin = { email: 'Root@Example.com', password: 'Adm1n-Demo-Passw0rd!' }
const pagePaths = [
  '/',
  '/register',
  '/verify-email',
  '/login',
  '/me',
  '/sessions',
  '/forgot-password',
  '/reset-password',
  '/security',
  '/change-password',
  '/change-email',
  '/confirm-email-change',
]

interface DevMail {
  to: string
  subject: string
  text: string
  html: string
  links: string[]
  sentAt: string | null
}

let dataDir: string
let demo: DemoProcess
let baseUrl: string

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'portcullis-demo-'))
  const port = await freePort()
  baseUrl = `http://localhost:${port}`
  demo = await startDemo({
    PORT: String(port),
    DEMO_DATA_DIR: dataDir,
    DEMO_ADMIN_EMAIL: admin.email,
    DEMO_ADMIN_PASSWORD: admin.password,
  })
})

afterAll(async () => {
  await demo?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

/** Polls /dev/mail until a mail to `to` with a link arrives (bounded). */
async function mailsTo(to: string, origin = baseUrl, timeoutMs = 10_000): Promise<DevMail[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const res = await fetch(`${origin}/dev/mail?to=${encodeURIComponent(to)}`)
    expect(res.status).toBe(200)
    const { mails } = (await res.json()) as { mails: DevMail[] }
    if (mails.length > 0 || Date.now() > deadline) return mails
    await delay(200)
  }
}

describe('the demo pages', () => {
  it.each(pagePaths)(
    'GET %s answers 200 with the security headers and a nonce on every script',
    async (path) => {
      const res = await fetch(`${baseUrl}${path}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toContain('unsafe-inline')
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
      expect(nonce).toBeTruthy()
      const html = await res.text()
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
      expect(scripts.length).toBeGreaterThan(0)
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
      // No inline handlers: the CSP would block them anyway.
      expect(html).not.toMatch(/\son[a-z]+=/i)
    },
  )

  it('gives each response its own nonce', async () => {
    const nonces = await Promise.all(
      [1, 2].map(async () => (await fetch(`${baseUrl}/login`)).headers.get('content-security-policy')),
    )
    expect(nonces[0]).not.toBe(nonces[1])
  })

  it('serves the stylesheet and the page scripts from its own origin', async () => {
    for (const path of ['/static/demo.css', '/static/lib/api.js', '/static/pages/login.js']) {
      const res = await fetch(`${baseUrl}${path}`)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    }
    expect((await fetch(`${baseUrl}/static/pages/login.js`)).headers.get('content-type')).toMatch(
      /javascript/,
    )
  })
})

describe('a browser-style account life cycle', () => {
  it('registers, verifies through the mailed link, logs in and sees itself', async () => {
    const browser = new BrowserClient(baseUrl)
    const email = 'Ada.Lovelace@Example.com'
    const password = 'Analytical-Engine-1843'

    const registered = await browser.request('POST', '/auth/register', { email, password, name: 'Ada' })
    expect(registered.status).toBe(202)

    // Case-insensitive lookup: the outbox keeps the address lowercased.
    const mails = await mailsTo(email.toUpperCase())
    expect(mails).toHaveLength(1)
    const [mail] = mails
    expect(mail?.to.toLowerCase()).toBe(email.toLowerCase())
    expect(mail?.sentAt === null || !Number.isNaN(Date.parse(mail?.sentAt ?? ''))).toBe(true)
    const link = mail?.links.find((l) => l.startsWith(`${baseUrl}/verify-email?`))
    expect(link, JSON.stringify(mail?.links)).toBeDefined()
    const token = new URL(link ?? '').searchParams.get('token')
    expect(token).toBeTruthy()

    // The link's page exists; its script would POST the token, as we do here.
    expect((await browser.fetch(new URL(link ?? '').pathname)).status).toBe(200)
    const beforeVerify = await browser.request('POST', '/auth/login', { email, password })
    expect(beforeVerify.status).toBe(403)
    expect(((await beforeVerify.json()) as { error: { code: string } }).error.code).toBe('EMAIL_NOT_VERIFIED')

    const verified = await browser.request('POST', '/auth/verify-email', { token })
    expect(verified.status).toBe(200)
    expect(await verified.json()).toEqual({ status: 'verified' })

    const login = await browser.request('POST', '/auth/login', { email, password })
    expect(login.status).toBe(200)
    const loginBody = (await login.json()) as Record<string, unknown>
    // Cookie transport: the tokens live in HttpOnly cookies, not in the body.
    expect(loginBody.accessToken).toBeUndefined()
    expect(loginBody.refreshToken).toBeUndefined()

    const me = await browser.fetch('/auth/me')
    expect(me.status).toBe(200)
    const { user } = (await me.json()) as { user: { email: string; emailVerified: boolean; roles: string[] } }
    expect(user).toMatchObject({ email, emailVerified: true, roles: ['employee'] })

    const logout = await browser.request('POST', '/auth/logout')
    expect(logout.status).toBe(204)
    expect((await browser.fetch('/auth/me')).status).toBe(401)
  })

  it('refuses an unsafe cookie request without the CSRF token', async () => {
    const browser = new BrowserClient(baseUrl)
    await browser.csrfToken()
    const res = await browser.fetch('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: baseUrl },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('CSRF_FAILED')
  })

  it('creates the DEMO_ADMIN_* account, verified, with role admin', async () => {
    const browser = new BrowserClient(baseUrl)
    const login = await browser.request('POST', '/auth/login', {
      email: admin.email,
      password: admin.password,
    })
    expect(login.status).toBe(200)
    const me = await browser.fetch('/auth/me')
    const { user } = (await me.json()) as { user: { roles: string[]; emailVerified: boolean } }
    expect(user.roles).toContain('admin')
    expect(user.emailVerified).toBe(true)
  })
})

describe('/dev/mail', () => {
  it('answers 400 in the contract error shape without `to`', async () => {
    const res = await fetch(`${baseUrl}/dev/mail`, { headers: { 'X-Request-Id': 'demo-test.1' } })
    expect(res.status).toBe(400)
    expect(res.headers.get('x-request-id')).toBe('demo-test.1')
    const body = (await res.json()) as { error: Record<string, unknown> }
    expect(body).toEqual({
      error: { code: 'VALIDATION_FAILED', message: expect.any(String), requestId: 'demo-test.1' },
    })
  })

  it('answers an empty list for an address without mail', async () => {
    const res = await fetch(`${baseUrl}/dev/mail?to=nobody%40example.com`)
    expect(await res.json()).toEqual({ mails: [] })
  })
})

describe('start-up', () => {
  it('keeps the development key ring in the data directory, shared by a second process', async () => {
    const ring = (await readFile(join(dataDir, 'keys'), 'utf8')).trim()
    expect(ring).toMatch(/^pcks1\./)
    const port = await freePort()
    const second = await startDemo({ PORT: String(port), DEMO_DATA_DIR: dataDir })
    try {
      expect((await readFile(join(dataDir, 'keys'), 'utf8')).trim()).toBe(ring)
      // The outbox is sealed with the ring's secret: the second process reads the first one's mail.
      const mails = await mailsTo('ada.lovelace@example.com', `http://localhost:${port}`)
      expect(mails.length).toBeGreaterThan(0)
    } finally {
      await second.stop()
    }
  })
})

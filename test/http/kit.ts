import { parseSetCookie, type SetCookie } from 'cookie'
import { expect } from 'vitest'
import { linksIn } from '../../src/testing/index.js'
import type { TestApp, TestRequest, TestResponse } from './harness.js'

export const PASSWORD = 'Tr1cky-Lantern-42'
export const NEW_PASSWORD = 'Qu1et-Harbour-77'

/** The Set-Cookie of `name` in a response, parsed; undefined when absent. */
export function setCookie(res: TestResponse, name: string): SetCookie | undefined {
  const raw = res.cookies.find((c) => c.startsWith(`${name}=`))
  return raw === undefined ? undefined : parseSetCookie(raw)
}

/** The raw Set-Cookie header of `name`. */
export function rawCookie(res: TestResponse, name: string): string | undefined {
  return res.cookies.find((c) => c.startsWith(`${name}=`))
}

/** Asserts the contract's error shape and code (and status). */
export function expectError(res: TestResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code })
  expect(Object.keys(res.body).sort()).toEqual(['error'])
  expect(typeof res.body.error.message).toBe('string')
  expect(res.body.error.requestId).toBe(res.headers['x-request-id'])
  expect(res.text).not.toMatch(/\bat .+:\d+:\d+/)
}

/** Asserts the RFC 6749 §5.2 error shape. */
export function expectOAuthError(
  res: TestResponse,
  status: number,
  error: string,
  description?: string,
): void {
  expect({ status: res.status, error: res.body?.error }).toEqual({ status, error })
  expect(typeof res.body.error_description).toBe('string')
  if (description !== undefined) expect(res.body.error_description).toBe(description)
}

/** Every response carries these (security-defaults.md, HTTP; http-contract.md, Conventions). */
export function expectSecurityHeaders(res: TestResponse, options: { hsts?: boolean } = {}): void {
  const h = res.headers
  expect(h['cache-control']).toBe('no-store')
  expect(h['x-content-type-options']).toBe('nosniff')
  expect(h['x-frame-options']).toBe('DENY')
  expect(h['referrer-policy']).toBe('strict-origin-when-cross-origin')
  expect(h['permissions-policy']).toBe('camera=(), microphone=(), geolocation=(), payment=()')
  expect(h['cross-origin-opener-policy']).toBe('same-origin')
  expect(h['content-security-policy']).toMatch(
    /^default-src 'self'; script-src 'self' 'nonce-[A-Za-z0-9+/=]{22,}'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'$/,
  )
  expect(h['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,128}$/)
  if (options.hsts) expect(h['strict-transport-security']).toBe('max-age=63072000; includeSubDomains')
  else expect(h['strict-transport-security']).toBeUndefined()
}

/** A cookie jar that behaves like a browser for our cookies: paths respected, Max-Age=0 deletes. */
export class Browser {
  private jar = new Map<string, { value: string; path: string }>()
  csrfToken: string | undefined
  constructor(private readonly app: TestApp) {}

  store(res: TestResponse): void {
    for (const raw of res.cookies) {
      const c = parseSetCookie(raw)
      if (c.maxAge === 0 || c.value === '') this.jar.delete(c.name)
      else this.jar.set(c.name, { value: c.value ?? '', path: c.path ?? '/' })
    }
  }

  cookieHeader(path: string): string {
    const p = path.split('?')[0] ?? path
    return [...this.jar]
      .filter(
        ([, c]) =>
          p === c.path || p.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/',
      )
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ')
  }

  has(name: string): boolean {
    return this.jar.has(name)
  }

  get(name: string): string | undefined {
    return this.jar.get(name)?.value
  }

  async send(req: TestRequest & { json?: unknown }): Promise<TestResponse> {
    const headers: Record<string, string> = { ...(req.headers ?? {}) }
    const cookie = this.cookieHeader(req.path)
    if (cookie !== '') headers.cookie = cookie
    if (this.csrfToken !== undefined && headers['x-csrf-token'] === undefined)
      headers['x-csrf-token'] = this.csrfToken
    let body = req.body
    if (req.json !== undefined) {
      body = JSON.stringify(req.json)
      headers['content-type'] ??= 'application/json'
    }
    const res = await this.app.send({ ...req, headers, ...(body !== undefined ? { body } : {}) })
    this.store(res)
    return res
  }

  /** GET /csrf, keeping the cookie and the token for later unsafe requests. */
  async fetchCsrf(): Promise<TestResponse> {
    const res = await this.send({ method: 'GET', path: '/auth/csrf' })
    this.csrfToken = res.body.csrfToken
    return res
  }
}

/** Request helpers bound to one app. */
export function client(app: TestApp) {
  const json = (method: string, path: string, value?: unknown, headers: Record<string, string> = {}) =>
    app.send({
      method,
      path,
      headers: value === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(value === undefined ? {} : { body: JSON.stringify(value) }),
    })
  return {
    get: (path: string, headers: Record<string, string> = {}) => app.send({ method: 'GET', path, headers }),
    post: (path: string, value?: unknown, headers: Record<string, string> = {}) =>
      json('POST', path, value, headers),
    del: (path: string, headers: Record<string, string> = {}) =>
      app.send({ method: 'DELETE', path, headers }),
    form: (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      app.send({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(fields).toString(),
      }),
    bearer: (token: string) => ({ authorization: `Bearer ${token}` }),
    /** Creates a verified account directly (fast path for scenarios that are not about registration). */
    user: async (email: string, options: { roles?: string[]; verified?: boolean } = {}) =>
      app.auth.provisionUser({ email, password: PASSWORD, verified: options.verified ?? true, ...options }),
    /** Bearer login; returns the body with the tokens. */
    login: async (email: string, password = PASSWORD) => {
      const res = await json('POST', '/auth/login', { email, password })
      expect(res.status).toBe(200)
      return res.body as { accessToken: string; refreshToken: string; user: { id: string } }
    },
    /** Delivers queued mail and returns the links of the newest mail to `to`. */
    mailLinks: async (to: string) => {
      await app.auth.outbox.runOnce()
      const mail = app.mailer.last(to)
      expect(mail, `a mail to ${to}`).toBeDefined()
      return linksIn(mail?.text ?? '')
    },
  }
}

/** The `token` query parameter of the first link in a list. */
export function tokenOf(links: string[]): string {
  const token = new URL(links[0] ?? 'http://x').searchParams.get('token')
  expect(token).toBeTruthy()
  return token ?? ''
}

import { randomBytes } from 'node:crypto'
import { expect } from 'vitest'
import { serializeKeyRing } from '../../src/crypto/key-ring.js'
import type { ScenarioConfig, TestApp } from './harness.js'
import { accountScenarios, throttleScenarios } from './scenarios-account.js'
import { mfaScenarios } from './scenarios-mfa.js'
import {
  Browser,
  client,
  expectError,
  expectOAuthError,
  expectSecurityHeaders,
  NEW_PASSWORD,
  PASSWORD,
  rawCookie,
  setCookie,
  tokenOf,
} from './kit.js'

/** One behaviour of the HTTP contract, run against every framework adapter. */
export interface Scenario {
  name: string
  config?: ScenarioConfig
  run(app: TestApp): Promise<void>
}

const plain: ScenarioConfig = { http: { cookies: { secure: false } } }
const ANN = 'ann@example.com'
const BOB = 'bob@example.com'
const minute = 60_000

export const scenarios: Scenario[] = [
  // ---- GET /csrf, GET /password-policy, jwks
  {
    name: 'GET /csrf returns a token and sets the __Host- csrf cookie readable by script',
    async run(app) {
      const res = await client(app).get('/auth/csrf')
      expect(res.status).toBe(200)
      expect(typeof res.body.csrfToken).toBe('string')
      const c = setCookie(res, '__Host-pc_csrf')
      expect(c).toMatchObject({ value: res.body.csrfToken, path: '/', secure: true, sameSite: 'lax' })
      expect(c?.httpOnly).toBeFalsy()
      expect(c?.maxAge).toBeUndefined()
      expectSecurityHeaders(res)
    },
  },
  {
    name: 'cookies are unprefixed and not Secure when Secure is turned off',
    config: plain,
    async run(app) {
      const res = await client(app).get('/auth/csrf')
      expect(rawCookie(res, '__Host-pc_csrf')).toBeUndefined()
      const c = setCookie(res, 'pc_csrf')
      expect(c).toMatchObject({ path: '/', sameSite: 'lax' })
      expect(c?.secure).toBeFalsy()
    },
  },
  {
    name: 'GET /password-policy lists every active rule with its message, not_current included',
    async run(app) {
      const res = await client(app).get('/auth/password-policy')
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ minLength: 8, maxLength: 128 })
      const ids = res.body.rules.map((r: { id: string }) => r.id)
      expect(ids).toEqual(
        expect.arrayContaining(['min_length', 'max_length', 'uppercase', 'not_common', 'not_current']),
      )
      for (const rule of res.body.rules) expect(typeof rule.message).toBe('string')
    },
  },
  {
    name: 'GET /.well-known/jwks.json publishes public keys with kid',
    async run(app) {
      const res = await client(app).get('/auth/.well-known/jwks.json')
      expect(res.status).toBe(200)
      expect(res.body.keys.length).toBeGreaterThan(0)
      for (const key of res.body.keys) {
        expect(typeof key.kid).toBe('string')
        expect(key.d).toBeUndefined()
      }
    },
  },
  {
    name: 'GET /.well-known/jwks.json is 404 with only symmetric keys',
    config: {
      keys: serializeKeyRing({
        v: 1,
        jwt: [{ kid: 'hs', alg: 'HS256', secret: randomBytes(32).toString('base64url') }],
        secrets: [randomBytes(32).toString('base64url')],
      }),
    },
    async run(app) {
      expectError(await client(app).get('/auth/.well-known/jwks.json'), 404, 'NOT_FOUND')
    },
  },

  // ---- registration and verification
  {
    name: 'register → 202, the mailed link verifies once, then login works',
    async run(app) {
      const c = client(app)
      const res = await c.post('/auth/register', {
        email: ' Ann@Example.com ',
        password: PASSWORD,
        name: 'Ann',
      })
      expect(res.status).toBe(202)
      expect(res.body).toEqual({ status: 'verification_sent' })
      const token = tokenOf(await c.mailLinks(ANN))
      expectError(await c.post('/auth/login', { email: ANN, password: PASSWORD }), 403, 'EMAIL_NOT_VERIFIED')
      const verified = await c.post('/auth/verify-email', { token })
      expect(verified.status).toBe(200)
      expect(verified.body).toEqual({ status: 'verified' })
      expectError(await c.post('/auth/verify-email', { token }), 400, 'TOKEN_INVALID')
      const login = await c.post('/auth/login', { email: 'ANN@example.com', password: PASSWORD })
      expect(login.status).toBe(200)
      expect(login.body.user).toMatchObject({
        email: 'Ann@Example.com',
        name: 'Ann',
        emailVerified: true,
        roles: ['employee'],
      })
    },
  },
  {
    name: 'register with a taken email answers the same 202',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const res = await c.post('/auth/register', { email: ANN, password: PASSWORD })
      expect(res.status).toBe(202)
      expect(res.body).toEqual({ status: 'verification_sent' })
    },
  },
  {
    name: 'register validation: bad email, missing fields and oversize password are VALIDATION_FAILED',
    async run(app) {
      const c = client(app)
      const bad = await c.post('/auth/register', { email: 'not-an-email', password: PASSWORD })
      expectError(bad, 400, 'VALIDATION_FAILED')
      expect(bad.body.error.details).toEqual([{ path: 'email', message: expect.any(String) }])
      const missing = await c.post('/auth/register', {})
      expectError(missing, 400, 'VALIDATION_FAILED')
      expect(missing.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
        'email',
        'password',
      ])
      expectError(
        await c.post('/auth/register', { email: ANN, password: 'a'.repeat(1025) }),
        400,
        'VALIDATION_FAILED',
      )
      expectError(
        await c.post('/auth/register', { email: `${'a'.repeat(250)}@x.io`, password: PASSWORD }),
        400,
        'VALIDATION_FAILED',
      )
      expectError(await c.post('/auth/register', ['not', 'an', 'object']), 400, 'VALIDATION_FAILED')
    },
  },
  {
    name: 'register with a weak password is PASSWORD_POLICY listing every broken rule',
    async run(app) {
      const res = await client(app).post('/auth/register', { email: ANN, password: 'aaaa' })
      expectError(res, 400, 'PASSWORD_POLICY')
      const rules = res.body.error.details.map((d: { rule: string }) => d.rule)
      expect(rules).toEqual(
        expect.arrayContaining(['min_length', 'uppercase', 'digit', 'special', 'no_repeat']),
      )
    },
  },
  {
    name: 'verify-email: unknown token TOKEN_INVALID, missing or oversize token VALIDATION_FAILED',
    async run(app) {
      const c = client(app)
      expectError(await c.post('/auth/verify-email', { token: 'x'.repeat(43) }), 400, 'TOKEN_INVALID')
      expectError(await c.post('/auth/verify-email', {}), 400, 'VALIDATION_FAILED')
      expectError(await c.post('/auth/verify-email', { token: 'x'.repeat(513) }), 400, 'VALIDATION_FAILED')
    },
  },
  {
    name: 'verify-email/resend answers 202 sent_if_exists for known and unknown addresses',
    async run(app) {
      const c = client(app)
      await c.user(ANN, { verified: false })
      for (const email of [ANN, 'nobody@example.com']) {
        const res = await c.post('/auth/verify-email/resend', { email })
        expect(res.status).toBe(202)
        expect(res.body).toEqual({ status: 'sent_if_exists' })
      }
      expectError(await c.post('/auth/verify-email/resend', { email: 42 }), 400, 'VALIDATION_FAILED')
    },
  },

  // ---- login
  {
    name: 'bearer login returns the user and both tokens, and sets no cookies',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const res = await c.post('/auth/login', { email: ANN, password: PASSWORD })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email: ANN } })
      expect(typeof res.body.accessToken).toBe('string')
      expect(typeof res.body.refreshToken).toBe('string')
      expect(res.cookies).toEqual([])
      const me = await c.get('/auth/me', c.bearer(res.body.accessToken))
      expect(me.status).toBe(200)
      expect(me.body.user).toMatchObject({
        email: ANN,
        emailVerified: true,
        mfaEnabled: false,
        roles: ['employee'],
      })
      expect(me.body.user.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    },
  },
  {
    name: 'wrong password and unknown email give the identical 401 INVALID_CREDENTIALS',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const wrong = await c.post('/auth/login', { email: ANN, password: 'Wrong-Passw0rd!' })
      const unknown = await c.post('/auth/login', {
        email: 'nobody@example.com',
        password: 'Wrong-Passw0rd!',
      })
      expectError(wrong, 401, 'INVALID_CREDENTIALS')
      expectError(unknown, 401, 'INVALID_CREDENTIALS')
      expect({ ...wrong.body.error, requestId: 0 }).toEqual({ ...unknown.body.error, requestId: 0 })
      expect(wrong.headers['www-authenticate']).toBeUndefined()
      expectError(await c.post('/auth/login', { email: ANN }), 400, 'VALIDATION_FAILED')
    },
  },
  {
    name: 'the 5th failure locks: 423 ACCOUNT_LOCKED with Retry-After, even for the right password',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      for (let i = 0; i < 4; i++)
        expectError(
          await c.post('/auth/login', { email: ANN, password: 'Wrong-Passw0rd!' }),
          401,
          'INVALID_CREDENTIALS',
        )
      const locked = await c.post('/auth/login', { email: ANN, password: 'Wrong-Passw0rd!' })
      expectError(locked, 423, 'ACCOUNT_LOCKED')
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
      app.clock.advance(2 * minute) // out of the per-minute rate window
      const right = await c.post('/auth/login', { email: ANN, password: PASSWORD })
      expectError(right, 423, 'ACCOUNT_LOCKED')
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0)
    },
  },
  {
    name: 'a blocked account learns ACCOUNT_DISABLED only with the right password',
    async run(app) {
      const c = client(app)
      const ann = await c.user(ANN)
      await app.auth.store.updateUser(ann.id, { status: 'blocked' }, app.clock.now())
      expectError(
        await c.post('/auth/login', { email: ANN, password: 'Wrong-Passw0rd!' }),
        401,
        'INVALID_CREDENTIALS',
      )
      expectError(await c.post('/auth/login', { email: ANN, password: PASSWORD }), 403, 'ACCOUNT_DISABLED')
    },
  },
  {
    name: 'cookie login sets HttpOnly access and refresh cookies with contract names and paths, no tokens in the body',
    async run(app) {
      await client(app).user(ANN)
      const b = new Browser(app)
      await b.fetchCsrf()
      const res = await b.send({
        method: 'POST',
        path: '/auth/login',
        json: { email: ANN, password: PASSWORD },
      })
      expect(res.status).toBe(200)
      expect(res.body.accessToken).toBeUndefined()
      expect(res.body.refreshToken).toBeUndefined()
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email: ANN } })
      const access = setCookie(res, '__Host-pc_access')
      expect(access).toMatchObject({ path: '/', httpOnly: true, secure: true, sameSite: 'lax', maxAge: 900 })
      const refresh = setCookie(res, '__Secure-pc_refresh')
      expect(refresh).toMatchObject({
        path: '/auth/token/refresh',
        httpOnly: true,
        secure: true,
        sameSite: 'lax',
      })
      expect(refresh?.maxAge).toBe(30 * 86400)
      const me = await b.send({ method: 'GET', path: '/auth/me' })
      expect(me.status).toBe(200)
      expect(me.body.user.email).toBe(ANN)
    },
  },
  {
    name: 'cookie login without Secure: pc_ names, no Secure attribute; rememberMe false drops Max-Age on refresh',
    config: { http: { cookies: { secure: false, sameSite: 'strict' } } },
    async run(app) {
      await client(app).user(ANN)
      const b = new Browser(app)
      await b.fetchCsrf()
      const res = await b.send({
        method: 'POST',
        path: '/auth/login',
        json: { email: ANN, password: PASSWORD, rememberMe: false },
      })
      expect(res.status).toBe(200)
      const access = setCookie(res, 'pc_access')
      expect(access).toMatchObject({ path: '/', httpOnly: true, sameSite: 'strict', maxAge: 900 })
      expect(access?.secure).toBeFalsy()
      const refresh = setCookie(res, 'pc_refresh')
      expect(refresh).toMatchObject({ path: '/auth/token/refresh', httpOnly: true })
      expect(refresh?.maxAge).toBeUndefined()
      expect(rawCookie(res, 'pc_refresh')).not.toMatch(/Max-Age|Expires/i)
    },
  },

  // ---- authentication of /me and the guards
  {
    name: 'no, malformed or forged access token: 401 UNAUTHENTICATED with WWW-Authenticate: Bearer',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const { accessToken } = await c.login(ANN)
      const [h, p] = accessToken.split('.')
      for (const headers of [
        {},
        { authorization: 'Bearer' },
        { authorization: 'Basic abc' },
        c.bearer(`${h}.${p}.AAAA`),
      ]) {
        const res = await c.get('/auth/me', headers)
        expectError(res, 401, 'UNAUTHENTICATED')
        expect(res.headers['www-authenticate']).toBe('Bearer')
      }
    },
  },
  {
    name: 'an expired access token is 401 TOKEN_EXPIRED',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const { accessToken } = await c.login(ANN)
      app.clock.advance(16 * minute)
      const res = await c.get('/auth/me', c.bearer(accessToken))
      expectError(res, 401, 'TOKEN_EXPIRED')
      expect(res.headers['www-authenticate']).toBe('Bearer')
    },
  },
  {
    name: 'bearer transport never reads the access cookie; cookie transport never reads Authorization',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const b = new Browser(app)
      await b.fetchCsrf()
      await b.send({ method: 'POST', path: '/auth/login', json: { email: ANN, password: PASSWORD } })
      const viaCookie = await b.send({
        method: 'GET',
        path: '/auth/me',
        headers: { 'x-auth-transport': 'bearer' },
      })
      expectError(viaCookie, 401, 'UNAUTHENTICATED')
      const { accessToken } = await c.login(ANN)
      const cookieOnly = await c.get('/auth/me', { ...c.bearer(accessToken), 'x-auth-transport': 'cookie' })
      expectError(cookieOnly, 401, 'UNAUTHENTICATED')
    },
  },
  {
    name: 'guards: requireAuth, requireRole and requirePermission answer in the contract shape',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      await c.user('admin@example.com', { roles: ['admin'] })
      await c.user('manager@example.com', { roles: ['manager'] })
      const ann = await c.login(ANN)
      const admin = await c.login('admin@example.com')
      const manager = await c.login('manager@example.com')
      const none = await c.get('/api/me')
      expectError(none, 401, 'UNAUTHENTICATED')
      expect(none.headers['www-authenticate']).toBe('Bearer')
      expect(none.headers['cache-control']).toBe('no-store')
      const me = await c.get('/api/me', c.bearer(ann.accessToken))
      expect(me.status).toBe(200)
      expect(me.body).toEqual({ userId: ann.user.id })
      expectError(await c.get('/api/admin', c.bearer(ann.accessToken)), 403, 'FORBIDDEN')
      expect((await c.get('/api/admin', c.bearer(admin.accessToken))).status).toBe(200)
      expectError(await c.get('/api/users', c.bearer(ann.accessToken)), 403, 'FORBIDDEN')
      expect((await c.get('/api/users', c.bearer(manager.accessToken))).status).toBe(200)
      expect((await c.get('/api/users', c.bearer(admin.accessToken))).status).toBe(200)
      expect((await c.get('/api/any', c.bearer(manager.accessToken))).status).toBe(200)
      expectError(await c.get('/api/all', c.bearer(manager.accessToken)), 403, 'FORBIDDEN')
      expect((await c.get('/api/all', c.bearer(admin.accessToken))).status).toBe(200)
    },
  },
  {
    name: 'guards enforce CSRF on the host’s own unsafe routes in cookie transport',
    async run(app) {
      await client(app).user(ANN)
      const b = new Browser(app)
      await b.fetchCsrf()
      await b.send({ method: 'POST', path: '/auth/login', json: { email: ANN, password: PASSWORD } })
      const ok = await b.send({ method: 'POST', path: '/api/me' })
      expect(ok.status).toBe(200)
      const forged = await b.send({ method: 'POST', path: '/api/me', headers: { 'x-csrf-token': 'nope' } })
      expectError(forged, 403, 'CSRF_FAILED')
      const foreign = await b.send({
        method: 'POST',
        path: '/api/me',
        headers: { origin: 'https://evil.example' },
      })
      expectError(foreign, 403, 'CSRF_FAILED')
    },
  },

  // ---- refresh
  {
    name: 'refresh in bearer transport rotates: the new pair works, the old token replayed later is TOKEN_REUSED',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const first = await c.login(ANN)
      const res = await c.post('/auth/token/refresh', { refreshToken: first.refreshToken })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 })
      expect(res.body.refreshToken).not.toBe(first.refreshToken)
      expect((await c.get('/auth/me', c.bearer(res.body.accessToken))).status).toBe(200)
      app.clock.advance(11_000) // past the reuse grace window
      const reused = await c.post('/auth/token/refresh', { refreshToken: first.refreshToken })
      expectError(reused, 401, 'TOKEN_REUSED')
      expect(reused.headers['www-authenticate']).toBeUndefined()
      expectError(
        await c.post('/auth/token/refresh', { refreshToken: res.body.refreshToken }),
        401,
        'TOKEN_INVALID',
      )
    },
  },
  {
    name: 'refresh errors: unknown token 401 TOKEN_INVALID, missing token in bearer 400 VALIDATION_FAILED',
    async run(app) {
      const c = client(app)
      expectError(await c.post('/auth/token/refresh', { refreshToken: 'x'.repeat(43) }), 401, 'TOKEN_INVALID')
      expectError(await c.post('/auth/token/refresh', {}), 400, 'VALIDATION_FAILED')
      expectError(await c.post('/auth/token/refresh'), 400, 'VALIDATION_FAILED')
      expectError(
        await c.post('/auth/token/refresh', { refreshToken: 'x'.repeat(513) }),
        400,
        'VALIDATION_FAILED',
      )
    },
  },
  {
    name: 'refresh in cookie transport reads the refresh cookie and sets new cookies; without one it is 401',
    async run(app) {
      await client(app).user(ANN)
      const b = new Browser(app)
      await b.fetchCsrf()
      await b.send({ method: 'POST', path: '/auth/login', json: { email: ANN, password: PASSWORD } })
      const oldRefresh = b.get('__Secure-pc_refresh')
      const res = await b.send({ method: 'POST', path: '/auth/token/refresh' })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ tokenType: 'Bearer', expiresIn: 900 })
      expect(setCookie(res, '__Host-pc_access')?.path).toBe('/')
      expect(setCookie(res, '__Secure-pc_refresh')?.path).toBe('/auth/token/refresh')
      expect(b.get('__Secure-pc_refresh')).not.toBe(oldRefresh)
      expect((await b.send({ method: 'GET', path: '/auth/me' })).status).toBe(200)
      const fresh = new Browser(app)
      await fresh.fetchCsrf()
      expectError(await fresh.send({ method: 'POST', path: '/auth/token/refresh' }), 401, 'TOKEN_INVALID')
      const noCsrf = await b.send({
        method: 'POST',
        path: '/auth/token/refresh',
        headers: { 'x-csrf-token': '' },
      })
      expectError(noCsrf, 403, 'CSRF_FAILED')
    },
  },

  // ---- POST /token (RFC 6749)
  {
    name: 'POST /token password and refresh grants answer RFC 6749 bodies',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const res = await c.form('/auth/token', {
        grant_type: 'password',
        username: ANN,
        password: PASSWORD,
        scope: 'x',
      })
      expect(res.status).toBe(200)
      expect(Object.keys(res.body).sort()).toEqual([
        'access_token',
        'expires_in',
        'refresh_token',
        'token_type',
      ])
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 })
      expect(res.headers['cache-control']).toBe('no-store')
      expect(res.headers.pragma).toBe('no-cache')
      expect((await c.get('/auth/me', c.bearer(res.body.access_token))).status).toBe(200)
      const again = await c.form('/auth/token', {
        grant_type: 'refresh_token',
        refresh_token: res.body.refresh_token,
      })
      expect(again.status).toBe(200)
      expect(again.body.refresh_token).not.toBe(res.body.refresh_token)
      const basic = { authorization: `Basic ${Buffer.from('client:secret').toString('base64')}` }
      const withClient = await c.form(
        '/auth/token',
        { grant_type: 'password', username: ANN, password: PASSWORD, client_id: 'app', client_secret: 's' },
        basic,
      )
      expect(withClient.status).toBe(200)
    },
  },
  {
    name: 'POST /token errors: invalid_grant reasons, invalid_request, unsupported_grant_type, 415',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      await c.user(BOB, { verified: false })
      const grant = (fields: Record<string, string>) => c.form('/auth/token', fields)
      expectOAuthError(
        await grant({ grant_type: 'password', username: ANN, password: 'Wrong-1!x' }),
        400,
        'invalid_grant',
      )
      expectOAuthError(
        await grant({ grant_type: 'password', username: BOB, password: PASSWORD }),
        400,
        'invalid_grant',
        'email_not_verified',
      )
      expectOAuthError(
        await grant({ grant_type: 'refresh_token', refresh_token: 'nope' }),
        400,
        'invalid_grant',
      )
      expectOAuthError(await grant({ grant_type: 'password', username: ANN }), 400, 'invalid_request')
      expectOAuthError(await grant({ grant_type: 'refresh_token' }), 400, 'invalid_request')
      expectOAuthError(await grant({}), 400, 'invalid_request')
      expectOAuthError(await grant({ grant_type: 'client_credentials' }), 400, 'unsupported_grant_type')
      const repeated = await app.send({
        method: 'POST',
        path: '/auth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&grant_type=refresh_token',
      })
      expectOAuthError(repeated, 400, 'invalid_request')
      const json = await c.post('/auth/token', { grant_type: 'password', username: ANN, password: PASSWORD })
      expect(json.status).toBe(415)
      expect(typeof json.body.error).toBe('string')
    },
  },
  {
    name: 'POST /token: a locked account is invalid_grant account_locked with Retry-After; failures count with /login',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      for (let i = 0; i < 2; i++) await c.post('/auth/login', { email: ANN, password: 'Wrong-Passw0rd!' })
      for (let i = 0; i < 2; i++)
        await c.form('/auth/token', { grant_type: 'password', username: ANN, password: 'Wrong-1!x' })
      const locked = await c.form('/auth/token', {
        grant_type: 'password',
        username: ANN,
        password: 'Wrong-1!x',
      })
      expectOAuthError(locked, 400, 'invalid_grant', 'account_locked')
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
    },
  },
  {
    name: 'POST /token rate limit is 429 with the usual headers; the password grant counts in the login limits',
    config: { rateLimits: { token: { limit: 3, windowSeconds: 60 } } },
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      for (let i = 0; i < 3; i++)
        await c.form('/auth/token', { grant_type: 'password', username: ANN, password: 'Wrong-1!x' })
      const limited = await c.form('/auth/token', {
        grant_type: 'password',
        username: ANN,
        password: PASSWORD,
      })
      expect(limited.status).toBe(429)
      expect(typeof limited.body.error).toBe('string')
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
      expect(limited.headers['ratelimit-limit']).toBe('3')
      expect(limited.headers['ratelimit-remaining']).toBe('0')
      expect(Number(limited.headers['ratelimit-reset'])).toBeGreaterThan(0)
      // 4 password grants (the refused one counts too) + 1 login = 5 in the (IP, email) login window.
      expect((await c.post('/auth/login', { email: ANN, password: PASSWORD })).status).toBe(200)
      expectError(await c.post('/auth/login', { email: ANN, password: PASSWORD }), 429, 'RATE_LIMITED')
    },
  },

  // ---- logout, sessions
  {
    name: 'logout: 204, both auth cookies expired with their own Path, the access token revoked at once',
    async run(app) {
      await client(app).user(ANN)
      const b = new Browser(app)
      await b.fetchCsrf()
      await b.send({ method: 'POST', path: '/auth/login', json: { email: ANN, password: PASSWORD } })
      const before = b.cookieHeader('/auth/me')
      const res = await b.send({ method: 'POST', path: '/auth/logout' })
      expect(res.status).toBe(204)
      expect(res.text).toBe('')
      expect(res.headers['clear-site-data']).toBeUndefined()
      const access = setCookie(res, '__Host-pc_access')
      const refresh = setCookie(res, '__Secure-pc_refresh')
      expect(access).toMatchObject({ path: '/', maxAge: 0, httpOnly: true, secure: true })
      expect(refresh).toMatchObject({ path: '/auth/token/refresh', maxAge: 0, httpOnly: true, secure: true })
      const replay = await app.send({ method: 'GET', path: '/auth/me', headers: { cookie: before } })
      expectError(replay, 401, 'UNAUTHENTICATED')
    },
  },
  {
    name: 'logout with clearSiteData configured sends Clear-Site-Data: "cookies"; bearer logout revokes the token',
    config: { http: { cookies: { clearSiteData: true } } },
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const { accessToken, refreshToken } = await c.login(ANN)
      const res = await c.post('/auth/logout', undefined, c.bearer(accessToken))
      expect(res.status).toBe(204)
      expect(res.headers['clear-site-data']).toBe('"cookies"')
      expectError(await c.get('/auth/me', c.bearer(accessToken)), 401, 'UNAUTHENTICATED')
      expectError(await c.post('/auth/token/refresh', { refreshToken }), 401, 'TOKEN_INVALID')
      expectError(await c.post('/auth/logout'), 401, 'UNAUTHENTICATED')
    },
  },
  {
    name: 'logout-all revokes every session of the user',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const one = await c.login(ANN)
      const two = await c.login(ANN)
      const res = await c.post('/auth/logout-all', undefined, c.bearer(one.accessToken))
      expect(res.status).toBe(204)
      expect(setCookie(res, '__Host-pc_access')?.maxAge).toBe(0)
      expectError(await c.get('/auth/me', c.bearer(two.accessToken)), 401, 'UNAUTHENTICATED')
      expectError(await c.post('/auth/logout-all'), 401, 'UNAUTHENTICATED')
    },
  },
  {
    name: 'sessions: list with current flag, delete another one, 404 for unknown or foreign ids',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      await c.user(BOB)
      const one = await c.login(ANN)
      const two = await c.login(ANN)
      const bob = await c.login(BOB)
      const list = await c.get('/auth/sessions', c.bearer(one.accessToken))
      expect(list.status).toBe(200)
      expect(list.body.sessions).toHaveLength(2)
      const current = list.body.sessions.find((s: { current: boolean }) => s.current)
      const other = list.body.sessions.find((s: { current: boolean }) => !s.current)
      expect(current).toMatchObject({
        ip: expect.stringMatching(/127\.0\.0\.1/),
        createdAt: expect.any(String),
      })
      expect(Object.keys(current).sort()).toEqual([
        'createdAt',
        'current',
        'device',
        'expiresAt',
        'id',
        'ip',
        'lastUsedAt',
        'userAgent',
      ])
      const bobs = await c.get('/auth/sessions', c.bearer(bob.accessToken))
      const bobSession = bobs.body.sessions[0].id as string
      expectError(await c.del(`/auth/sessions/${bobSession}`, c.bearer(one.accessToken)), 404, 'NOT_FOUND')
      expectError(await c.del('/auth/sessions/does-not-exist', c.bearer(one.accessToken)), 404, 'NOT_FOUND')
      const del = await c.del(`/auth/sessions/${encodeURIComponent(other.id)}`, c.bearer(one.accessToken))
      expect(del.status).toBe(204)
      expectError(await c.get('/auth/me', c.bearer(two.accessToken)), 401, 'UNAUTHENTICATED')
      expect((await c.get('/auth/me', c.bearer(bob.accessToken))).status).toBe(200)
      expectError(await c.get('/auth/sessions'), 401, 'UNAUTHENTICATED')
    },
  },

  // ---- password reset
  {
    name: 'forgot → mailed link → reset: 200, every session revoked, the new password works, the link is single use',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const old = await c.login(ANN)
      for (const email of [ANN, 'nobody@example.com']) {
        const res = await c.post('/auth/password/forgot', { email })
        expect(res.status).toBe(202)
        expect(res.body).toEqual({ status: 'sent_if_exists' })
      }
      const token = tokenOf(await c.mailLinks(ANN))
      expectError(await c.post('/auth/password/reset', { token, password: 'weak' }), 400, 'PASSWORD_POLICY')
      expectError(await c.post('/auth/password/reset', { token }), 400, 'VALIDATION_FAILED')
      const res = await c.post('/auth/password/reset', { token, password: NEW_PASSWORD })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ status: 'password_reset' })
      expectError(await c.get('/auth/me', c.bearer(old.accessToken)), 401, 'UNAUTHENTICATED')
      expectError(
        await c.post('/auth/password/reset', { token, password: NEW_PASSWORD }),
        400,
        'TOKEN_INVALID',
      )
      await c.login(ANN, NEW_PASSWORD)
    },
  },
  {
    name: 'forgot-password over its (IP, email) limit is 429 RATE_LIMITED with Retry-After and RateLimit-*',
    async run(app) {
      const c = client(app)
      for (let i = 0; i < 3; i++)
        expect((await c.post('/auth/password/forgot', { email: ANN })).status).toBe(202)
      const res = await c.post('/auth/password/forgot', { email: ' ANN@example.com' })
      expectError(res, 429, 'RATE_LIMITED')
      expect(res.headers['retry-after']).toBe(String(30 * 60))
      expect(res.headers['ratelimit-limit']).toBe('3')
      expect(res.headers['ratelimit-remaining']).toBe('0')
      expect(res.headers['ratelimit-reset']).toBe(String(30 * 60))
      expect((await c.post('/auth/password/forgot', { email: BOB })).status).toBe(202)
      app.clock.advance(30 * minute + 1)
      expect((await c.post('/auth/password/forgot', { email: ANN })).status).toBe(202)
    },
  },

  // ---- CSRF and Origin
  {
    name: 'CSRF in cookie transport: missing header, wrong header, unsigned token, cross-site fetch are 403',
    async run(app) {
      await client(app).user(ANN)
      const b = new Browser(app)
      await b.fetchCsrf()
      const login = { email: ANN, password: PASSWORD }
      const attempt = (headers: Record<string, string>, cookieOverride?: string) =>
        app.send({
          method: 'POST',
          path: '/auth/login',
          headers: {
            'content-type': 'application/json',
            cookie: cookieOverride ?? b.cookieHeader('/auth/login'),
            ...headers,
          },
          body: JSON.stringify(login),
        })
      const token = b.csrfToken ?? ''
      expectError(await attempt({}), 403, 'CSRF_FAILED')
      expectError(await attempt({ 'x-csrf-token': `${token}x` }), 403, 'CSRF_FAILED')
      // A token the attacker made up, planted as cookie and header alike: the signature check refuses it.
      expectError(
        await attempt({ 'x-csrf-token': 'forged.value' }, '__Host-pc_csrf=forged.value'),
        403,
        'CSRF_FAILED',
      )
      expectError(
        await attempt({ 'x-csrf-token': token, 'sec-fetch-site': 'cross-site' }),
        403,
        'CSRF_FAILED',
      )
      // Explicit cookie transport without a csrf cookie at all.
      expectError(await attempt({ 'x-auth-transport': 'cookie' }, ''), 403, 'CSRF_FAILED')
      for (const site of ['same-origin', 'same-site', 'none']) {
        app.clock.advance(minute) // the refused attempts above counted toward the login rate limit
        const ok = await attempt({ 'x-csrf-token': token, 'sec-fetch-site': site })
        expect(ok.status, site).toBe(200)
      }
    },
  },
  {
    name: 'CSRF also guards public POSTs such as register in cookie transport',
    async run(app) {
      const b = new Browser(app)
      await b.fetchCsrf()
      const res = await b.send({
        method: 'POST',
        path: '/auth/register',
        json: { email: ANN, password: PASSWORD },
        headers: { 'x-csrf-token': '' },
      })
      expectError(res, 403, 'CSRF_FAILED')
    },
  },
  {
    name: 'bearer transport needs no CSRF token but a foreign or null Origin is refused in any transport',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const login = { email: ANN, password: PASSWORD }
      expect((await c.post('/auth/login', login, { origin: 'http://localhost:3000' })).status).toBe(200)
      expectError(await c.post('/auth/login', login, { origin: 'https://evil.example' }), 403, 'CSRF_FAILED')
      expectError(await c.post('/auth/login', login, { origin: 'null' }), 403, 'CSRF_FAILED')
      expectError(
        await c.post('/auth/login', login, { origin: 'http://localhost:3000.evil.example' }),
        403,
        'CSRF_FAILED',
      )
      // Safe methods are not refused for their Origin (CORS decides what the page may read).
      expect((await c.get('/auth/password-policy', { origin: 'https://evil.example' })).status).toBe(200)
    },
  },
  {
    name: 'a transport turned off in config is refused when asked for and never chosen by default',
    config: { http: { transports: { cookie: false } } },
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const login = { email: ANN, password: PASSWORD }
      expectError(
        await c.post('/auth/login', login, { 'x-auth-transport': 'cookie' }),
        400,
        'VALIDATION_FAILED',
      )
      // A csrf cookie no longer makes a request cookie transport: tokens come in the body, no CSRF needed.
      const res = await c.post('/auth/login', login, { cookie: '__Host-pc_csrf=whatever' })
      expect(res.status).toBe(200)
      expect(typeof res.body.accessToken).toBe('string')
    },
  },
  {
    name: 'X-Auth-Transport with another value is 400 VALIDATION_FAILED',
    async run(app) {
      for (const value of ['carrier-pigeon', 'Bearer', 'COOKIE', '']) {
        const res = await client(app).post(
          '/auth/login',
          { email: ANN, password: PASSWORD },
          { 'x-auth-transport': value },
        )
        expectError(res, 400, 'VALIDATION_FAILED')
      }
    },
  },

  // ---- CORS
  {
    name: 'CORS: allowed origins get credentials and Vary; others get no Access-Control-Allow-Origin',
    config: {
      http: {
        cors: { origins: ['https://admin.example'], patterns: ['https://[a-z]+\\.preview\\.example'] },
      },
    },
    async run(app) {
      const c = client(app)
      for (const origin of ['http://localhost:3000', 'https://admin.example', 'https://pr.preview.example']) {
        const res = await c.get('/auth/password-policy', { origin })
        expect(res.headers['access-control-allow-origin'], origin).toBe(origin)
        expect(res.headers['access-control-allow-credentials']).toBe('true')
        expect(res.headers.vary).toMatch(/Origin/)
      }
      for (const origin of ['https://evil.example', 'https://x.preview.example.evil', 'null']) {
        const res = await c.get('/auth/password-policy', { origin })
        expect(res.status).toBe(200)
        expect(res.headers['access-control-allow-origin'], origin).toBeUndefined()
        expect(res.headers.vary).toMatch(/Origin/)
      }
      expect(
        JSON.stringify((await c.get('/auth/csrf', { origin: 'https://admin.example' })).headers),
      ).not.toContain('"*"')
    },
  },
  {
    name: 'CORS preflight: 204 with methods and headers for an allowed origin, 403 for a foreign one',
    async run(app) {
      const preflight = (origin: string, path = '/auth/login') =>
        app.send({
          method: 'OPTIONS',
          path,
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type,x-csrf-token',
          },
        })
      const ok = await preflight('http://localhost:3000')
      expect(ok.status).toBe(204)
      expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:3000')
      expect(ok.headers['access-control-allow-credentials']).toBe('true')
      expect(ok.headers['access-control-allow-methods']).toMatch(/POST/)
      expect(ok.headers['access-control-allow-headers']).toMatch(/X-CSRF-Token/i)
      expect(ok.headers['access-control-allow-headers']).toMatch(/Content-Type/i)
      expect(ok.headers['access-control-max-age']).toBe('600')
      expect(ok.headers.vary).toMatch(/Origin/)
      expectSecurityHeaders(ok)
      const denied = await preflight('https://evil.example')
      expectError(denied, 403, 'CSRF_FAILED')
      expect(denied.headers['access-control-allow-origin']).toBeUndefined()
      expectError(await preflight('http://localhost:3000', '/auth/nope'), 404, 'NOT_FOUND')
    },
  },

  // ---- transport-level errors and headers
  {
    name: 'security headers on every response; HSTS only for TLS via a trusted proxy',
    async run(app) {
      const c = client(app)
      expectSecurityHeaders(await c.get('/auth/csrf'))
      expectSecurityHeaders(await c.get('/auth/nope'))
      expectSecurityHeaders(await c.post('/auth/login', {}))
      expectSecurityHeaders(await c.get('/auth/me'))
      // X-Forwarded-Proto from an untrusted peer (trustProxy 0) is ignored.
      expectSecurityHeaders(await c.get('/auth/csrf', { 'x-forwarded-proto': 'https' }))
      const one = (await c.get('/auth/csrf')).headers['content-security-policy']
      const two = (await c.get('/auth/csrf')).headers['content-security-policy']
      expect(one).not.toBe(two)
    },
  },
  {
    name: 'behind a trusted proxy: HSTS for X-Forwarded-Proto https, the client IP from X-Forwarded-For',
    config: { http: { trustProxy: 1 } },
    async run(app) {
      const c = client(app)
      expectSecurityHeaders(await c.get('/auth/csrf', { 'x-forwarded-proto': 'https' }), { hsts: true })
      expectSecurityHeaders(await c.get('/auth/csrf', { 'x-forwarded-proto': 'http' }))
      await c.user(ANN)
      const res = await c.post(
        '/auth/login',
        { email: ANN, password: PASSWORD },
        { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' },
      )
      const list = await c.get('/auth/sessions', c.bearer(res.body.accessToken))
      expect(list.body.sessions[0].ip).toBe('203.0.113.7')
    },
  },
  {
    name: 'trustProxy as a CIDR list walks X-Forwarded-For from the right past trusted proxies',
    config: { http: { trustProxy: ['127.0.0.0/8', '::1', '10.0.0.0/8'] } },
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const res = await c.post(
        '/auth/login',
        { email: ANN, password: PASSWORD },
        { 'x-forwarded-for': '6.6.6.6, 198.51.100.9, 10.1.2.3' },
      )
      const list = await c.get('/auth/sessions', c.bearer(res.body.accessToken))
      expect(list.body.sessions[0].ip).toBe('198.51.100.9')
    },
  },
  {
    name: 'X-Forwarded-For is ignored without trustProxy',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const res = await c.post(
        '/auth/login',
        { email: ANN, password: PASSWORD },
        { 'x-forwarded-for': '203.0.113.7' },
      )
      const list = await c.get('/auth/sessions', c.bearer(res.body.accessToken))
      expect(list.body.sessions[0].ip).toMatch(/127\.0\.0\.1/)
    },
  },
  {
    name: 'a body over 16 KiB is 413 PAYLOAD_TOO_LARGE',
    async run(app) {
      const big = JSON.stringify({ email: ANN, password: 'x'.repeat(17 * 1024) })
      const res = await app.send({
        method: 'POST',
        path: '/auth/login',
        headers: { 'content-type': 'application/json' },
        body: big,
      })
      expectError(res, 413, 'PAYLOAD_TOO_LARGE')
      expectSecurityHeaders(res)
    },
  },
  {
    name: 'a non-JSON body on a JSON route is 415; JSON with a charset is accepted',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const body = JSON.stringify({ email: ANN, password: PASSWORD })
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx'])
        expectError(
          await app.send({ method: 'POST', path: '/auth/login', headers: { 'content-type': type }, body }),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        )
      const ok = await app.send({
        method: 'POST',
        path: '/auth/login',
        headers: { 'content-type': 'application/json; charset=UTF-8' },
        body,
      })
      expect(ok.status).toBe(200)
    },
  },
  {
    name: 'a malformed Content-Type is ignored without a body, 415 with one (in the route’s own dialect)',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const { accessToken } = await c.login(ANN)
      const logout = await app.send({
        method: 'POST',
        path: '/auth/logout',
        headers: { ...c.bearer(accessToken), 'content-type': 'not a media type' },
      })
      expect(logout.status).toBe(204)
      const login = await app.send({
        method: 'POST',
        path: '/auth/login',
        headers: { 'content-type': 'not a media type' },
        body: JSON.stringify({ email: ANN, password: PASSWORD }),
      })
      expectError(login, 415, 'UNSUPPORTED_MEDIA_TYPE')
      const token = await app.send({ method: 'POST', path: '/auth/token', headers: { 'content-type': '' } })
      expectOAuthError(token, 400, 'invalid_request')
    },
  },
  {
    name: 'malformed JSON is 400 VALIDATION_FAILED',
    async run(app) {
      for (const body of ['{', '{"email":', 'nope', '{"a":1}}'])
        expectError(
          await app.send({
            method: 'POST',
            path: '/auth/login',
            headers: { 'content-type': 'application/json' },
            body,
          }),
          400,
          'VALIDATION_FAILED',
        )
    },
  },
  {
    name: 'an unknown route, or a known path with another method, is 404 NOT_FOUND',
    async run(app) {
      const c = client(app)
      expectError(await c.get('/auth/nope'), 404, 'NOT_FOUND')
      expectError(await c.get('/auth/login'), 404, 'NOT_FOUND')
      expectError(await c.del('/auth/me'), 404, 'NOT_FOUND')
      expectError(await c.post('/auth/sessions/a/b'), 404, 'NOT_FOUND')
    },
  },
  {
    name: 'X-Request-Id: a valid one is echoed in the header and error body, anything else replaced',
    async run(app) {
      const c = client(app)
      const kept = await c.get('/auth/nope', { 'x-request-id': 'abc.DEF_1:2-3' })
      expect(kept.headers['x-request-id']).toBe('abc.DEF_1:2-3')
      expect(kept.body.error.requestId).toBe('abc.DEF_1:2-3')
      expect((await c.get('/auth/csrf', { 'x-request-id': 'a'.repeat(128) })).headers['x-request-id']).toBe(
        'a'.repeat(128),
      )
      for (const bad of ['a'.repeat(129), 'has space', 'semi;colon', 'ünï']) {
        const res = await c.get('/auth/nope', { 'x-request-id': bad })
        expect(res.headers['x-request-id']).not.toBe(bad)
        expect(res.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,128}$/)
        expect(res.body.error.requestId).toBe(res.headers['x-request-id'])
      }
      const generated = await c.get('/auth/nope')
      expect(generated.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,128}$/)
    },
  },
  {
    name: 'login rate limits: 5/min per (IP, email) counted before the password, then 429 with headers',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      for (let i = 0; i < 5; i++) await c.post('/auth/login', { email: ANN, password: PASSWORD })
      const res = await c.post('/auth/login', { email: ' Ann@Example.COM ', password: PASSWORD })
      expectError(res, 429, 'RATE_LIMITED')
      expect(res.headers['retry-after']).toBe('60')
      expect(res.headers['ratelimit-limit']).toBe('5')
      expect(res.headers['ratelimit-remaining']).toBe('0')
      expect((await c.post('/auth/login', { email: BOB, password: PASSWORD })).status).toBe(401)
      app.clock.advance(minute)
      expect((await c.post('/auth/login', { email: ANN, password: PASSWORD })).status).toBe(200)
    },
  },
  {
    name: 'login rate limits: 20/min per IP across emails; invalid bodies count too',
    async run(app) {
      const c = client(app)
      for (let i = 0; i < 10; i++)
        await c.post('/auth/login', { email: `u${i}@example.com`, password: PASSWORD })
      for (let i = 0; i < 10; i++) await c.post('/auth/login', { nonsense: true })
      expectError(
        await c.post('/auth/login', { email: 'fresh@example.com', password: PASSWORD }),
        429,
        'RATE_LIMITED',
      )
      // Other routes have their own budgets.
      expect((await c.post('/auth/password/forgot', { email: ANN })).status).toBe(202)
    },
  },
  {
    name: 'register is limited per IP; rateLimits.enabled false turns every limit off',
    config: { rateLimits: { register: { limit: 2, windowSeconds: 3600 } } },
    async run(app) {
      const c = client(app)
      for (let i = 0; i < 2; i++)
        expect(
          (await c.post('/auth/register', { email: `u${i}@example.com`, password: PASSWORD })).status,
        ).toBe(202)
      expectError(
        await c.post('/auth/register', { email: 'u9@example.com', password: PASSWORD }),
        429,
        'RATE_LIMITED',
      )
    },
  },
  {
    name: 'with rate limits disabled nothing is refused for volume',
    config: { rateLimits: { enabled: false, verify: { limit: 1, windowSeconds: 60 } } },
    async run(app) {
      const c = client(app)
      for (let i = 0; i < 4; i++)
        expectError(await c.post('/auth/verify-email', { token: `t${i}` }), 400, 'TOKEN_INVALID')
    },
  },
  {
    name: 'verify and resend are limited per IP',
    config: {
      rateLimits: { verify: { limit: 2, windowSeconds: 60 }, resend: { limit: 1, windowSeconds: 60 } },
    },
    async run(app) {
      const c = client(app)
      for (let i = 0; i < 2; i++)
        expectError(await c.post('/auth/verify-email', { token: `t${i}` }), 400, 'TOKEN_INVALID')
      expectError(await c.post('/auth/verify-email', { token: 't3' }), 429, 'RATE_LIMITED')
      expect((await c.post('/auth/verify-email/resend', { email: ANN })).status).toBe(202)
      expectError(await c.post('/auth/verify-email/resend', { email: BOB }), 429, 'RATE_LIMITED')
    },
  },
  {
    name: 'an unexpected failure is 500 INTERNAL, described only in the server log with the request id',
    async run(app) {
      const c = client(app)
      const original = app.auth.passwordPolicy
      ;(app.auth as { passwordPolicy: () => unknown }).passwordPolicy = () => {
        throw new Error('secret internals at /srv/app.js:1:1')
      }
      try {
        const res = await c.get('/auth/password-policy', { 'x-request-id': 'boom-1' })
        expectError(res, 500, 'INTERNAL')
        expect(res.text).not.toContain('secret internals')
        const line = app.logger.lines.find((l) => l.level === 'error')
        expect(line?.fields?.requestId).toBe('boom-1')
        expect(String(line?.fields?.error)).toContain('secret internals')
      } finally {
        ;(app.auth as { passwordPolicy: unknown }).passwordPolicy = original
      }
    },
  },
  ...accountScenarios,
  ...mfaScenarios,
  ...throttleScenarios,
]

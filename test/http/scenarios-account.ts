import { expect } from 'vitest'
import type { Scenario } from './scenarios.js'
import { Browser, client, expectError, NEW_PASSWORD, PASSWORD, setCookie, tokenOf } from './kit.js'

const ANN = 'ann@example.com'

/** Account lifecycle routes for a signed-in user (http-contract.md, Authenticated routes). */
export const accountScenarios: Scenario[] = [
  {
    name: 'POST /password/change: 403 on a wrong current password, not_current, 200 with fresh tokens revoking the old',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const one = await c.login(ANN)
      const two = await c.login(ANN)
      const auth = c.bearer(one.accessToken)
      expectError(
        await c.post(
          '/auth/password/change',
          { currentPassword: 'Wr0ng-Horse-1', newPassword: NEW_PASSWORD },
          auth,
        ),
        403,
        'INVALID_CREDENTIALS',
      )
      const same = await c.post(
        '/auth/password/change',
        { currentPassword: PASSWORD, newPassword: PASSWORD },
        auth,
      )
      expectError(same, 400, 'PASSWORD_POLICY')
      expect(same.body.error.details).toEqual([{ rule: 'not_current', message: expect.any(String) }])
      expectError(
        await c.post('/auth/password/change', { newPassword: NEW_PASSWORD }, auth),
        400,
        'VALIDATION_FAILED',
      )
      expectError(
        await c.post('/auth/password/change', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }),
        401,
        'UNAUTHENTICATED',
      )
      const res = await c.post(
        '/auth/password/change',
        { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
        auth,
      )
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        status: 'password_changed',
        tokenType: 'Bearer',
        expiresIn: 900,
        user: { email: ANN },
      })
      for (const old of [one, two])
        expectError(await c.get('/auth/me', c.bearer(old.accessToken)), 401, 'UNAUTHENTICATED')
      expect((await c.get('/auth/me', c.bearer(res.body.accessToken))).status).toBe(200)
      await c.login(ANN, NEW_PASSWORD)
    },
  },
  {
    name: 'POST /password/change in cookie transport sets new cookies and puts no tokens in the body',
    async run(app) {
      await client(app).user(ANN)
      const b = new Browser(app)
      await b.fetchCsrf()
      expect(
        (await b.send({ method: 'POST', path: '/auth/login', json: { email: ANN, password: PASSWORD } }))
          .status,
      ).toBe(200)
      const before = b.get('__Host-pc_access')
      const res = await b.send({
        method: 'POST',
        path: '/auth/password/change',
        json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      })
      expect(res.status).toBe(200)
      expect(res.body.accessToken).toBeUndefined()
      expect(res.body.refreshToken).toBeUndefined()
      expect(setCookie(res, '__Host-pc_access')?.httpOnly).toBe(true)
      expect(b.get('__Host-pc_access')).not.toBe(before)
      expect((await b.send({ method: 'GET', path: '/auth/me' })).status).toBe(200)
    },
  },
  {
    name: 'POST /email/change → 202, the link confirms once with 200 {user}; wrong password 403; bad email 400',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const auth = c.bearer((await c.login(ANN)).accessToken)
      expectError(
        await c.post('/auth/email/change', { newEmail: 'ann@new.example', password: 'Wr0ng-Horse-1' }, auth),
        403,
        'INVALID_CREDENTIALS',
      )
      expectError(
        await c.post('/auth/email/change', { newEmail: 'not-an-email', password: PASSWORD }, auth),
        400,
        'VALIDATION_FAILED',
      )
      const res = await c.post(
        '/auth/email/change',
        { newEmail: 'ann@new.example', password: PASSWORD },
        auth,
      )
      expect(res.status).toBe(202)
      expect(res.body).toEqual({ status: 'verification_sent' })
      const links = await c.mailLinks('ann@new.example')
      expect(links[0]).toMatch(/^http:\/\/localhost:3000\/confirm-email-change\?token=/)
      const token = tokenOf(links)
      expectError(await c.post('/auth/email/change/confirm', { token }), 401, 'UNAUTHENTICATED')
      const confirmed = await c.post('/auth/email/change/confirm', { token }, auth)
      expect(confirmed.status).toBe(200)
      expect(confirmed.body.user).toMatchObject({ email: 'ann@new.example', emailVerified: true })
      expectError(await c.post('/auth/email/change/confirm', { token }, auth), 400, 'TOKEN_INVALID')
      expectError(await c.post('/auth/email/change/confirm', { token: 'x' }, auth), 400, 'TOKEN_INVALID')
      await c.login('ann@new.example')
    },
  },
]

/** The whole-API IP throttle middleware each adapter offers for the host's own routes. */
export const throttleScenarios: Scenario[] = [
  {
    name: 'throttle(): the host route allows `rateLimits.global` requests per IP, then 429 with Retry-After',
    config: { rateLimits: { global: { limit: 3, windowSeconds: 60 } } },
    async run(app) {
      const c = client(app)
      for (let i = 0; i < 3; i++) expect((await c.get('/api/throttled')).status).toBe(200)
      const res = await c.get('/api/throttled')
      expectError(res, 429, 'RATE_LIMITED')
      expect(res.headers['retry-after']).toBe('60')
      expect(res.headers['ratelimit-limit']).toBe('3')
      expect(res.headers['ratelimit-remaining']).toBe('0')
      app.clock.advance(60_000)
      expect((await c.get('/api/throttled')).status).toBe(200)
    },
  },
]

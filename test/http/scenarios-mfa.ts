import { expect } from 'vitest'
import { fromBase32 } from '../../src/crypto/base32.js'
import { defaultTotpOptions, generateTotp } from '../../src/crypto/totp.js'
import type { TestApp } from './harness.js'
import { Browser, client, expectError, expectOAuthError, NEW_PASSWORD, PASSWORD, setCookie } from './kit.js'
import type { Scenario } from './scenarios.js'

const ANN = 'ann@example.com'
const BOB = 'bob@example.com'
const step = 30_000
// Scenarios that sign in more than the 5 logins a minute per (IP, email) allows turn the limits off.
const noLimits = { rateLimits: { enabled: false } }

/** An account with TOTP on, set up over HTTP in bearer transport. */
async function mfaUser(app: TestApp, email = ANN) {
  const c = client(app)
  await c.user(email)
  const { accessToken } = await c.login(email)
  const auth = c.bearer(accessToken)
  const setup = await c.post('/auth/mfa/totp/setup', undefined, auth)
  expect(setup.status).toBe(200)
  const key = fromBase32(setup.body.secret)!
  const code = () => generateTotp(key, app.clock.now(), defaultTotpOptions)
  const enabled = await c.post('/auth/mfa/totp/enable', { code: code() }, auth)
  expect(enabled.status).toBe(200)
  // The enabling code's step is spent.
  app.clock.advance(step)
  return { c, auth, code, backupCodes: enabled.body.backupCodes as string[] }
}

/** A code that is not the current one. */
const wrongFor = (code: string) => (code === '000000' ? '000001' : '000000')

/** Bearer login of an MFA account: the challenge's token. */
async function challenge(app: TestApp, email = ANN): Promise<string> {
  const res = await client(app).post('/auth/login', { email, password: PASSWORD })
  expect(res.status).toBe(200)
  expect(res.body).toEqual({
    mfaRequired: true,
    mfaToken: expect.any(String),
    methods: ['totp', 'backup_code'],
  })
  return res.body.mfaToken
}

/** A cookie-transport browser signed in through both steps; optionally trusting the device. */
async function browserSignIn(app: TestApp, code: () => string, trustDevice: boolean) {
  const b = new Browser(app)
  await b.fetchCsrf()
  const first = await b.send({
    method: 'POST',
    path: '/auth/login',
    json: { email: ANN, password: PASSWORD },
  })
  expect(first.body.mfaRequired).toBe(true)
  const res = await b.send({
    method: 'POST',
    path: '/auth/login/mfa',
    json: { mfaToken: first.body.mfaToken, code: code(), trustDevice },
  })
  expect(res.status).toBe(200)
  app.clock.advance(step)
  return { b, res }
}

const loginAgain = (b: Browser) =>
  b.send({ method: 'POST', path: '/auth/login', json: { email: ANN, password: PASSWORD } })

/** Two-factor authentication (http-contract.md: POST /login/mfa, the /mfa routes, trusted devices). */
export const mfaScenarios: Scenario[] = [
  {
    name: 'MFA setup → enable (10 backup codes) → GET /mfa; enable again 409; wrong or missing code 403/400',
    async run(app) {
      const c = client(app)
      await c.user(ANN)
      const auth = c.bearer((await c.login(ANN)).accessToken)
      expectError(await c.post('/auth/mfa/totp/enable', { code: '123456' }, auth), 409, 'CONFLICT')
      const setup = await c.post('/auth/mfa/totp/setup', undefined, auth)
      expect(setup.status).toBe(200)
      expect(setup.body.otpauthUrl).toBe(
        `otpauth://totp/portcullis:ann%40example.com?secret=${setup.body.secret}&issuer=portcullis&algorithm=SHA1&digits=6&period=30`,
      )
      expect(setup.body.qrSvg).toMatch(/^<svg/)
      const code = generateTotp(fromBase32(setup.body.secret)!, app.clock.now(), defaultTotpOptions)
      expectError(await c.post('/auth/mfa/totp/enable', { code: wrongFor(code) }, auth), 403, 'MFA_INVALID')
      expectError(await c.post('/auth/mfa/totp/enable', {}, auth), 400, 'VALIDATION_FAILED')
      const enabled = await c.post('/auth/mfa/totp/enable', { code }, auth)
      expect(enabled.status).toBe(200)
      expect(enabled.body.backupCodes).toHaveLength(10)
      for (const b of enabled.body.backupCodes)
        expect(b).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
      const status = await c.get('/auth/mfa', auth)
      expect(status.status).toBe(200)
      expect(status.body).toEqual({ totpEnabled: true, backupCodesRemaining: 10, trustedDevices: [] })
      expect((await c.get('/auth/me', auth)).body.user.mfaEnabled).toBe(true)
      expectError(await c.post('/auth/mfa/totp/enable', { code }, auth), 409, 'CONFLICT')
      expectError(await c.post('/auth/mfa/totp/setup', undefined, auth), 409, 'CONFLICT')
      expectError(await c.get('/auth/mfa'), 401, 'UNAUTHENTICATED')
    },
  },
  {
    name: 'POST /login answers mfaRequired; /login/mfa with the code → tokens; reused code, bad token 401 MFA_INVALID; /token mfa_required',
    config: noLimits,
    async run(app) {
      const { c, code } = await mfaUser(app)
      const mfaToken = await challenge(app)
      expectError(await c.post('/auth/login/mfa', { mfaToken }), 400, 'VALIDATION_FAILED')
      const used = code()
      const res = await c.post('/auth/login/mfa', { mfaToken, code: used })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        user: { email: ANN, mfaEnabled: true },
      })
      expect(res.cookies).toEqual([])
      expect((await c.get('/auth/me', c.bearer(res.body.accessToken))).status).toBe(200)
      expectError(await c.post('/auth/login/mfa', { mfaToken, code: code() }), 401, 'MFA_INVALID')
      expectError(
        await c.post('/auth/login/mfa', { mfaToken: await challenge(app), code: used }),
        401,
        'MFA_INVALID',
      )
      expectError(await c.post('/auth/login/mfa', { mfaToken: 'forged', code: code() }), 401, 'MFA_INVALID')
      const late = await challenge(app)
      app.clock.advance(5 * 60_000)
      expectError(await c.post('/auth/login/mfa', { mfaToken: late, code: code() }), 401, 'MFA_INVALID')
      const grant = await c.form('/auth/token', { grant_type: 'password', username: ANN, password: PASSWORD })
      expectOAuthError(grant, 400, 'invalid_grant', 'mfa_required')
    },
  },
  {
    name: 'backup codes: one works once at /login/mfa; POST /mfa/backup-codes re-authenticates and voids the old set',
    config: noLimits,
    async run(app) {
      const { c, auth, code, backupCodes } = await mfaUser(app)
      const first = backupCodes[0]!
      const ok = await c.post('/auth/login/mfa', {
        mfaToken: await challenge(app),
        backupCode: first.toLowerCase(),
      })
      expect(ok.status).toBe(200)
      expectError(
        await c.post('/auth/login/mfa', { mfaToken: await challenge(app), backupCode: first }),
        401,
        'MFA_INVALID',
      )
      expect((await c.get('/auth/mfa', auth)).body.backupCodesRemaining).toBe(9)
      expectError(
        await c.post('/auth/mfa/backup-codes', { password: PASSWORD }, auth),
        400,
        'VALIDATION_FAILED',
      )
      expectError(
        await c.post('/auth/mfa/backup-codes', { password: 'Wr0ng-Horse-1', code: code() }, auth),
        403,
        'INVALID_CREDENTIALS',
      )
      expectError(
        await c.post('/auth/mfa/backup-codes', { password: PASSWORD, code: wrongFor(code()) }, auth),
        403,
        'MFA_INVALID',
      )
      // The code was not spent by the wrong password above.
      const fresh = await c.post('/auth/mfa/backup-codes', { password: PASSWORD, code: code() }, auth)
      expect(fresh.status).toBe(200)
      expect(fresh.body.backupCodes).toHaveLength(10)
      expect((await c.get('/auth/mfa', auth)).body.backupCodesRemaining).toBe(10)
      expectError(
        await c.post('/auth/login/mfa', { mfaToken: await challenge(app), backupCode: backupCodes[1] }),
        401,
        'MFA_INVALID',
      )
      const viaNew = await c.post('/auth/login/mfa', {
        mfaToken: await challenge(app),
        code: fresh.body.backupCodes[1],
      })
      expect(viaNew.status).toBe(200)
    },
  },
  {
    name: 'trusted device: /login/mfa with trustDevice sets __Secure-pc_device on /auth/login; /login then skips MFA; revocable; logout-all ends it',
    config: noLimits,
    async run(app) {
      const { code } = await mfaUser(app)
      const { b, res } = await browserSignIn(app, code, true)
      expect(res.body.accessToken).toBeUndefined()
      expect(setCookie(res, '__Secure-pc_device')).toMatchObject({
        path: '/auth/login',
        httpOnly: true,
        secure: true,
        sameSite: 'lax',
        maxAge: 30 * 86400,
      })
      const skipped = await loginAgain(b)
      expect(skipped.status).toBe(200)
      expect(skipped.body.user.email).toBe(ANN)
      const status = await b.send({ method: 'GET', path: '/auth/mfa' })
      expect(status.body.trustedDevices).toHaveLength(1)
      expect(Object.keys(status.body.trustedDevices[0]).sort()).toEqual([
        'createdAt',
        'id',
        'lastUsedAt',
        'userAgent',
      ])
      const id = status.body.trustedDevices[0].id
      const bob = client(app)
      await bob.user(BOB)
      const bobAuth = bob.bearer((await bob.login(BOB)).accessToken)
      expectError(await bob.del(`/auth/mfa/trusted-devices/${id}`, bobAuth), 404, 'NOT_FOUND')
      expect((await b.send({ method: 'DELETE', path: `/auth/mfa/trusted-devices/${id}` })).status).toBe(204)
      expect((await loginAgain(b)).body.mfaRequired).toBe(true)
      // A second trusted browser ends with logout-all.
      const second = await browserSignIn(app, code, true)
      expect((await loginAgain(second.b)).body.user.email).toBe(ANN)
      expect((await second.b.send({ method: 'POST', path: '/auth/logout-all' })).status).toBe(204)
      expect((await loginAgain(second.b)).body.mfaRequired).toBe(true)
    },
  },
  {
    name: 'trusted device without Secure cookies is pc_device; bearer transport neither sets nor reads it',
    config: { http: { cookies: { secure: false } } },
    async run(app) {
      const { c, code } = await mfaUser(app)
      const { res } = await browserSignIn(app, code, true)
      const device = setCookie(res, 'pc_device')
      expect(device).toMatchObject({ path: '/auth/login', httpOnly: true })
      expect(device?.secure).toBeFalsy()
      const bearer = await c.post('/auth/login/mfa', {
        mfaToken: await challenge(app),
        code: code(),
        trustDevice: true,
      })
      expect(bearer.status).toBe(200)
      expect(bearer.cookies).toEqual([])
      const withCookie = await c.post(
        '/auth/login',
        { email: ANN, password: PASSWORD },
        { cookie: `pc_device=${device?.value}`, 'x-auth-transport': 'bearer' },
      )
      expect(withCookie.body.mfaRequired).toBe(true)
    },
  },
  {
    name: 'POST /mfa/totp/disable: 400 missing code, 403 wrong password (code not spent), 403 wrong code, 204; then no challenge',
    async run(app) {
      const { c, auth, code } = await mfaUser(app)
      expectError(
        await c.post('/auth/mfa/totp/disable', { password: PASSWORD }, auth),
        400,
        'VALIDATION_FAILED',
      )
      const current = code()
      expectError(
        await c.post('/auth/mfa/totp/disable', { password: 'Wr0ng-Horse-1', code: current }, auth),
        403,
        'INVALID_CREDENTIALS',
      )
      expectError(
        await c.post('/auth/mfa/totp/disable', { password: PASSWORD, code: wrongFor(current) }, auth),
        403,
        'MFA_INVALID',
      )
      const res = await c.post('/auth/mfa/totp/disable', { password: PASSWORD, code: current }, auth)
      expect(res.status).toBe(204)
      expect(res.text).toBe('')
      expect((await c.get('/auth/mfa', auth)).body).toEqual({
        totpEnabled: false,
        backupCodesRemaining: 0,
        trustedDevices: [],
      })
      expect((await c.login(ANN)).accessToken).toBeTruthy()
      expectError(
        await c.post('/auth/mfa/totp/disable', { password: PASSWORD, code: current }, auth),
        409,
        'CONFLICT',
      )
    },
  },
  {
    name: 'POST /password/change with MFA on: missing code 400, wrong code 403 MFA_INVALID, with the code 200',
    async run(app) {
      const { c, auth, code } = await mfaUser(app)
      const change = (extra: Record<string, string>) =>
        c.post(
          '/auth/password/change',
          { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, ...extra },
          auth,
        )
      expectError(await change({}), 400, 'VALIDATION_FAILED')
      expectError(await change({ code: wrongFor(code()) }), 403, 'MFA_INVALID')
      const res = await change({ code: code() })
      expect(res.status).toBe(200)
      expect(res.body.status).toBe('password_changed')
    },
  },
  {
    name: 'MFA lockout: the 10th wrong code is 423 ACCOUNT_LOCKED with Retry-After, and so is the right one while locked',
    config: noLimits,
    async run(app) {
      const { c, code } = await mfaUser(app)
      for (let i = 1; i <= 10; i++) {
        const res = await c.post('/auth/login/mfa', {
          mfaToken: await challenge(app),
          code: wrongFor(code()),
        })
        if (i < 10) expectError(res, 401, 'MFA_INVALID')
        else {
          expectError(res, 423, 'ACCOUNT_LOCKED')
          expect(res.headers['retry-after']).toBe('900')
        }
      }
      const locked = await c.post('/auth/login/mfa', { mfaToken: await challenge(app), code: code() })
      expectError(locked, 423, 'ACCOUNT_LOCKED')
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
      app.clock.advance(15 * 60_000)
      expect((await c.post('/auth/login/mfa', { mfaToken: await challenge(app), code: code() })).status).toBe(
        200,
      )
    },
  },
  {
    name: 'POST /login/mfa counts in the per-IP login limit: 429 with Retry-After',
    config: { rateLimits: { loginPerIp: { limit: 3, windowSeconds: 60 } } },
    async run(app) {
      const c = client(app)
      for (let i = 0; i < 3; i++)
        expectError(await c.post('/auth/login/mfa', { mfaToken: 'x', code: '123456' }), 401, 'MFA_INVALID')
      const limited = await c.post('/auth/login/mfa', { mfaToken: 'x', code: '123456' })
      expectError(limited, 429, 'RATE_LIMITED')
      expect(limited.headers['retry-after']).toBeDefined()
    },
  },
]

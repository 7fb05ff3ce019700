import { afterEach, describe, expect, it } from 'vitest'
import type { CaptchaRoute } from '../../src/captcha/settings.js'
import { adapterNames, makeApp, type TestApp } from './harness.js'
import { client, expectError, expectOAuthError, PASSWORD } from './kit.js'

/** A host's captcha: `good` passes, `down` throws (the provider cannot be asked), anything else fails. */
function fakeCaptcha(routes?: CaptchaRoute[]) {
  const calls: Array<{ token: string; ip: string | null }> = []
  return {
    calls,
    config: {
      verify: async (token: string, ip: string | null) => {
        calls.push({ token, ip })
        if (token === 'down') throw new Error('siteverify unreachable')
        return token === 'good'
      },
      ...(routes ? { routes } : {}),
      origins: ['https://challenges.cloudflare.com'],
    },
  }
}

const expectCaptchaRefused = (res: Awaited<ReturnType<TestApp['send']>>) => {
  expectError(res, 400, 'VALIDATION_FAILED')
  expect(res.body.error.details).toEqual([{ path: 'captchaToken', message: expect.any(String) }])
}

const ANN = 'ann@example.com'

// The captcha hook on register, login (and the /token password grant) and forgot-password, per adapter.
describe.each(adapterNames)('%s adapter: captcha', (adapter) => {
  let app: TestApp | undefined
  afterEach(async () => {
    await app?.close()
    app = undefined
  })
  const start = async (routes?: CaptchaRoute[]) => {
    const captcha = fakeCaptcha(routes)
    app = await makeApp(adapter, { captcha: captcha.config })
    return { app, calls: captcha.calls, c: client(app) }
  }
  const registration = { email: ANN, password: PASSWORD }

  it('register: no token or a refused one is 400 on captchaToken; a solved one passes (header or body)', async () => {
    const { c, calls } = await start()
    expectCaptchaRefused(await c.post('/auth/register', registration))
    expectCaptchaRefused(await c.post('/auth/register', registration, { 'x-captcha-token': 'bad' }))
    expectCaptchaRefused(await c.post('/auth/register', { ...registration, captchaToken: 'bad' }))
    expect((await c.post('/auth/register', registration, { 'x-captcha-token': 'good' })).status).toBe(202)
    expect((await c.post('/auth/register', { ...registration, captchaToken: 'good' })).status).toBe(202)
    expect(calls).toEqual([
      { token: 'bad', ip: '127.0.0.1' },
      { token: 'bad', ip: '127.0.0.1' },
      { token: 'good', ip: '127.0.0.1' },
      { token: 'good', ip: '127.0.0.1' },
    ])
  })

  it('a provider that cannot be asked is 503 UNAVAILABLE, never a pass', async () => {
    const { c } = await start()
    expectError(
      await c.post('/auth/register', registration, { 'x-captcha-token': 'down' }),
      503,
      'UNAVAILABLE',
    )
  })

  it('invalid bodies are refused before the provider is asked', async () => {
    const { c, calls } = await start()
    expectError(
      await c.post('/auth/register', { email: 'not-an-email' }, { 'x-captcha-token': 'good' }),
      400,
      'VALIDATION_FAILED',
    )
    expect(calls).toEqual([])
  })

  it('login, the /token password grant and forgot-password are guarded too', async () => {
    const { c, app } = await start()
    await c.user(ANN)
    expectCaptchaRefused(await c.post('/auth/login', { email: ANN, password: PASSWORD }))
    const ok = await c.post('/auth/login', { email: ANN, password: PASSWORD }, { 'x-captcha-token': 'good' })
    expect(ok.status).toBe(200)
    expectCaptchaRefused(await c.post('/auth/password/forgot', { email: ANN }))
    expect((await c.post('/auth/password/forgot', { email: ANN, captchaToken: 'good' })).status).toBe(202)
    // The password grant checks the same credentials as /login: without the captcha it would be a bypass.
    const grant = { grant_type: 'password', username: ANN, password: PASSWORD }
    expectOAuthError(await c.form('/auth/token', grant), 400, 'invalid_request')
    expect((await c.form('/auth/token', { ...grant, captchaToken: 'good' })).status).toBe(200)
    // The refresh grant is not a sign-in: no captcha.
    const refreshed = await c.form('/auth/token', {
      grant_type: 'refresh_token',
      refresh_token: ok.body.refreshToken,
    })
    expect(refreshed.status).toBe(200)
    expect(app.auth.captcha?.routes).toEqual(['register', 'login', 'forgot'])
  })

  it('guards only the configured routes', async () => {
    const { c } = await start(['register'])
    await c.user(ANN)
    expect((await c.post('/auth/login', { email: ANN, password: PASSWORD })).status).toBe(200)
    expectCaptchaRefused(await c.post('/auth/register', registration))
  })

  it('adds the provider’s origins to script-src, frame-src and connect-src', async () => {
    const { c } = await start()
    const csp = (await c.get('/auth/csrf')).headers['content-security-policy'] ?? ''
    const directive = (name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `)) ?? ''
    for (const name of ['script-src', 'frame-src', 'connect-src'])
      expect(directive(name)).toContain('https://challenges.cloudflare.com')
    expect(directive('script-src')).toMatch(
      /^script-src 'self' 'nonce-[^']+' https:\/\/challenges\.cloudflare\.com$/,
    )
  })
})

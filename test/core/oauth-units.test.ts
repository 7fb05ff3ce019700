import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { withCaptchaOrigins } from '../../src/captcha/settings.js'
import { TURNSTILE_SITEVERIFY_URL, turnstileCaptcha } from '../../src/captcha/turnstile.js'
import { createAuth } from '../../src/create-auth.js'
import { generateKeyRingSpec, serializeKeyRing } from '../../src/crypto/key-ring.js'
import { SecretBox } from '../../src/crypto/secrets.js'
import { fetchGitHubProfile, primaryVerifiedEmail } from '../../src/oauth/github.js'
import { toFailure } from '../../src/oauth/failure.js'
import { openAuthorizationRequest, sealAuthorizationRequest } from '../../src/oauth/state-cookie.js'
import { memoryStore } from '../../src/testing/index.js'

const quiet = { debug() {}, info() {}, warn() {}, error() {} }
const base = { appUrl: 'https://app.example', store: memoryStore(), logger: quiet }
const github = { type: 'github' as const, clientId: 'gh-client', clientSecret: 'gh-secret-value' }

describe('GitHub: the primary, verified email only', () => {
  it.each([
    ['primary and verified', [{ email: 'a@x.io', primary: true, verified: true }], 'a@x.io', true],
    ['primary, unverified', [{ email: 'a@x.io', primary: true, verified: false }], 'a@x.io', false],
    [
      'a verified address that is not primary is not taken',
      [
        { email: 'p@x.io', primary: true, verified: false },
        { email: 'v@x.io', primary: false, verified: true },
      ],
      'p@x.io',
      false,
    ],
    ['no primary', [{ email: 'v@x.io', primary: false, verified: true }], null, false],
    [
      'verified as a string is not verified',
      [{ email: 'a@x.io', primary: true, verified: 'true' }],
      'a@x.io',
      false,
    ],
    ['not a list', { message: 'Bad credentials' }, null, false],
  ])('%s', (_name, emails, email, emailVerified) => {
    expect(primaryVerifiedEmail(emails)).toEqual({ email, emailVerified })
  })

  it('reads /user and /user/emails with the access token, a User-Agent and the API version', async () => {
    const calls: Array<{ url: string; headers: Record<string, string> }> = []
    const fetchFn = async (url: string, init: { headers: Record<string, string> }) => {
      calls.push({ url, headers: init.headers })
      const body = url.endsWith('/user')
        ? { id: 583231, login: 'octocat', name: ' The Octocat ', email: 'public@x.io' }
        : [{ email: 'octo@x.io', primary: true, verified: true }]
      return new Response(JSON.stringify(body), { status: 200 })
    }
    expect(await fetchGitHubProfile('gho_token', fetchFn)).toEqual({
      subject: '583231',
      email: 'octo@x.io',
      emailVerified: true,
      name: 'The Octocat',
    })
    expect(calls.map((c) => c.url)).toEqual([
      'https://api.github.com/user',
      'https://api.github.com/user/emails',
    ])
    for (const c of calls)
      expect(c.headers).toMatchObject({
        authorization: 'Bearer gho_token',
        accept: 'application/vnd.github+json',
        'user-agent': 'portcullis',
      })
  })

  it('fails with a code when the API refuses', async () => {
    const fetchFn = async () => new Response('{}', { status: 401 })
    const failure = toFailure(await fetchGitHubProfile('t', fetchFn).catch((e: unknown) => e))
    expect(failure.code).toBe('invalid_response')
    const down = toFailure(
      await fetchGitHubProfile('t', async () => new Response('', { status: 502 })).catch((e: unknown) => e),
    )
    expect(down.code).toBe('provider_unavailable')
  })
})

describe('the state cookie', () => {
  const box = new SecretBox([new Uint8Array(32).fill(7)])
  const request = {
    state: 'S'.repeat(43),
    codeVerifier: 'V'.repeat(43),
    nonce: 'N'.repeat(43),
    link: { userId: 'u1', sessionId: 's1' },
    expiresAt: 1_000,
  }

  it('opens for the provider it was sealed for, and hides its content', () => {
    const sealed = sealAuthorizationRequest(box, 'google', request)
    expect(sealed).not.toContain('SSSS')
    expect(sealed).not.toContain('VVVV')
    expect(openAuthorizationRequest(box, 'google', sealed)).toEqual(request)
    expect(openAuthorizationRequest(box, 'github', sealed)).toBeNull()
  })

  it('refuses an edited, foreign, missing or oversized value', () => {
    const sealed = sealAuthorizationRequest(box, 'google', { ...request, link: null, nonce: null })
    expect(openAuthorizationRequest(box, 'google', sealed)).toMatchObject({ link: null, nonce: null })
    const edited = `${sealed.slice(0, -1)}${sealed.endsWith('A') ? 'B' : 'A'}`
    expect(openAuthorizationRequest(box, 'google', edited)).toBeNull()
    const other = new SecretBox([new Uint8Array(32).fill(8)])
    expect(openAuthorizationRequest(other, 'google', sealed)).toBeNull()
    expect(openAuthorizationRequest(box, 'google', undefined)).toBeNull()
    expect(openAuthorizationRequest(box, 'google', 'x'.repeat(5000))).toBeNull()
    expect(openAuthorizationRequest(box, 'google', box.seal('{"v":2}', 'oauth-state:google'))).toBeNull()
  })
})

describe('oauth config', () => {
  const expectConfigError = (config: Record<string, unknown>, message: RegExp) =>
    expect(() => createAuth({ ...base, ...config } as Parameters<typeof createAuth>[0])).toThrow(message)

  it('refuses what cannot work, naming the path and never echoing a secret', () => {
    expectConfigError(
      { oauth: { providers: { corp: { ...github, type: 'oidc' } } } },
      /oauth\.providers\.corp\.issuer: required/,
    )
    expectConfigError(
      { oauth: { providers: { gh: { ...github, issuer: 'https://github.com' } } } },
      /oauth\.providers\.gh\.issuer: not allowed/,
    )
    expectConfigError({ oauth: { providers: { identities: github } } }, /oauth\.providers\.identities/)
    expectConfigError({ oauth: { providers: { Bad: github } } }, /oauth\.providers\.Bad/)
    expectConfigError({ oauth: { providers: { gh: { ...github, clientSecret: '' } } } }, /clientSecret/)
    expectConfigError(
      {
        production: true,
        keys: serializeKeyRing(generateKeyRingSpec((n) => new Uint8Array(randomBytes(n)))),
        mailer: { send: async () => {} },
        oauth: { providers: { gh: { ...github, allowInsecureRequests: true } } },
      },
      /oauth\.providers\.gh\.allowInsecureRequests: cannot be true in production/,
    )
    expectConfigError(
      { http: { transports: { cookie: false } }, oauth: { providers: { gh: github } } },
      /oauth: needs the cookie transport/,
    )
    try {
      createAuth({ ...base, oauth: { providers: { gh: { ...github, type: 'oidc' } } } })
    } catch (error) {
      expect(String(error)).not.toContain('gh-secret-value')
    }
  })

  it('has no OAuth without providers, and default redirects on appUrl', () => {
    expect(createAuth(base).oauth).toBeNull()
    const auth = createAuth({ ...base, oauth: { providers: { gh: github } } })
    expect(auth.oauth?.providers).toEqual(['gh'])
    expect(auth.oauth?.redirects).toEqual({
      success: 'https://app.example/',
      error: 'https://app.example/login',
    })
  })

  it('GitHub: the authorization URL carries PKCE S256 and the callback, no nonce', async () => {
    const auth = createAuth({ ...base, oauth: { providers: { gh: github } } })
    const begun = await auth.oauth?.begin('gh')
    if (begun?.type !== 'redirect') throw new Error('expected a redirect')
    const url = new URL(begun.url)
    expect(`${url.origin}${url.pathname}`).toBe('https://github.com/login/oauth/authorize')
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'gh-client',
      redirect_uri: 'https://app.example/auth/oauth/gh/callback',
      scope: 'read:user user:email',
      code_challenge_method: 'S256',
      response_type: 'code',
    })
    expect(url.searchParams.get('nonce')).toBeNull()
    expect(begun.url).not.toContain('gh-secret-value')
    await expect(auth.oauth?.begin('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('a provider that cannot be reached', () => {
  it('refuses the authorization request with provider_unavailable, logging no secret, and retries discovery', async () => {
    const lines: string[] = []
    const logger = {
      ...quiet,
      warn: (m: string, f?: unknown) => void lines.push(`${m} ${JSON.stringify(f)}`),
    }
    const down = {
      type: 'oidc' as const,
      issuer: 'http://127.0.0.1:9',
      clientId: 'c',
      clientSecret: 'down-secret-value',
    }
    const auth = createAuth({
      ...base,
      logger,
      oauth: { providers: { down: { ...down, allowInsecureRequests: true } } },
    })
    expect(await auth.oauth?.begin('down')).toEqual({ type: 'refused', code: 'provider_unavailable' })
    expect(await auth.oauth?.begin('down')).toEqual({ type: 'refused', code: 'provider_unavailable' })
    expect(lines.filter((l) => l.includes('oauth'))).toHaveLength(2)
    expect(lines.join('\n')).not.toContain('down-secret-value')
    // Without allowInsecureRequests an http:// issuer is refused outright.
    const strict = createAuth({ ...base, logger, oauth: { providers: { down } } })
    expect(await strict.oauth?.begin('down')).toMatchObject({ type: 'refused' })
  })
})

describe('turnstileCaptcha', () => {
  const recorder = (answer: unknown, status = 200) => {
    const calls: Array<{ url: string; body: URLSearchParams }> = []
    const fetchFn = async (url: string, init: { body: string }) => {
      calls.push({ url, body: new URLSearchParams(init.body) })
      return new Response(JSON.stringify(answer), { status })
    }
    return { calls, fetchFn }
  }

  it('asks siteverify with the secret, the token and the client IP', async () => {
    const { calls, fetchFn } = recorder({ success: true, hostname: 'app.example', action: 'login' })
    const captcha = turnstileCaptcha({ secret: 'ts-secret', fetch: fetchFn })
    expect(captcha.origins).toEqual(['https://challenges.cloudflare.com'])
    expect(await captcha.verify('tok', '203.0.113.9')).toBe(true)
    expect(calls[0]?.url).toBe(TURNSTILE_SITEVERIFY_URL)
    expect(Object.fromEntries(calls[0]?.body ?? [])).toEqual({
      secret: 'ts-secret',
      response: 'tok',
      remoteip: '203.0.113.9',
    })
    expect(await captcha.verify('tok', null)).toBe(true)
    expect(calls[1]?.body.has('remoteip')).toBe(false)
  })

  it('refuses a failed check, another hostname or action, and tokens too long to be one', async () => {
    const failed = recorder({ success: false, 'error-codes': ['timeout-or-duplicate'] })
    expect(await turnstileCaptcha({ secret: 's', fetch: failed.fetchFn }).verify('tok', null)).toBe(false)
    const ok = recorder({ success: true, hostname: 'evil.example', action: 'signup' })
    expect(
      await turnstileCaptcha({ secret: 's', fetch: ok.fetchFn, expectedHostname: 'app.example' }).verify(
        't',
        null,
      ),
    ).toBe(false)
    expect(
      await turnstileCaptcha({ secret: 's', fetch: ok.fetchFn, expectedAction: 'login' }).verify('t', null),
    ).toBe(false)
    expect(await turnstileCaptcha({ secret: 's', fetch: ok.fetchFn }).verify('x'.repeat(2049), null)).toBe(
      false,
    )
    expect(ok.calls).toHaveLength(2)
  })

  it('rejects when siteverify cannot answer (the request is then 503, never let through)', async () => {
    const broken = recorder({}, 500)
    await expect(
      turnstileCaptcha({ secret: 's', fetch: broken.fetchFn }).verify('tok', null),
    ).rejects.toThrow(/500/)
    expect(() => turnstileCaptcha({ secret: '' })).toThrow(TypeError)
  })

  it('adds its origins to script-src, frame-src and connect-src once', () => {
    const settings = {
      http: { cspExtraOrigins: { script: ['https://cdn.example'], frame: [], connect: [] } },
    }
    const captcha = {
      verify: async () => true,
      routes: ['login' as const],
      origins: ['https://challenges.cloudflare.com'],
    }
    expect(withCaptchaOrigins(settings, captcha).http.cspExtraOrigins).toEqual({
      script: ['https://cdn.example', 'https://challenges.cloudflare.com'],
      frame: ['https://challenges.cloudflare.com'],
      connect: ['https://challenges.cloudflare.com'],
    })
    expect(withCaptchaOrigins(settings, undefined)).toBe(settings)
  })
})

describe('provider failures', () => {
  it.each([
    [{ code: 'OAUTH_AUTHORIZATION_RESPONSE_ERROR', error: 'access_denied' }, 'access_denied'],
    [{ code: 'OAUTH_AUTHORIZATION_RESPONSE_ERROR', error: 'server_error' }, 'provider_error'],
    [{ code: 'OAUTH_RESPONSE_BODY_ERROR', error: 'invalid_grant' }, 'exchange_failed'],
    [{ code: 'OAUTH_RESPONSE_IS_NOT_CONFORM' }, 'provider_unavailable'],
    [new TypeError('fetch failed'), 'provider_unavailable'],
    [Object.assign(new Error('timeout'), { name: 'TimeoutError' }), 'provider_unavailable'],
    [{ code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' }, 'invalid_response'],
  ])('%o → %s', (error, code) => {
    expect(toFailure(error).code).toBe(code)
  })
})

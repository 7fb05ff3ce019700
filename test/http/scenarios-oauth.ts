import { randomBytes } from 'node:crypto'
import { expect } from 'vitest'
import {
  generateKeyRingSpec,
  loadKeyRing,
  parseKeyRingSpec,
  serializeKeyRing,
} from '../../src/crypto/key-ring.js'
import { fromBase32 } from '../../src/crypto/base32.js'
import { SecretBox } from '../../src/crypto/secrets.js'
import { defaultTotpOptions, generateTotp } from '../../src/crypto/totp.js'
import { openAuthorizationRequest, sealAuthorizationRequest } from '../../src/oauth/state-cookie.js'
import type { ScenarioConfig, TestApp, TestResponse } from './harness.js'
import { Browser, client, expectError, PASSWORD, setCookie } from './kit.js'
import type { TestIdp } from './oidc-provider.js'

/** The callback URL the test provider has registered for us (harness: appUrl localhost:3000, mount /auth). */
export const CALLBACK = 'http://localhost:3000/auth/oauth/oidc/callback'
/** A fixed key ring, so a test can open and reseal the state cookie as the server would. */
const KEYS = serializeKeyRing(generateKeyRingSpec((n) => new Uint8Array(randomBytes(n))))
const box = new SecretBox(loadKeyRing(parseKeyRingSpec(KEYS)).secrets)
const OAUTH_COOKIE = '__Secure-pc_oauth'
const minute = 60_000

/** One OAuth behaviour, run against every framework adapter with the test provider. */
export interface OAuthScenario {
  name: string
  /** `oauth` settings beside the provider; other config. */
  config?: { oauth?: Record<string, unknown>; other?: ScenarioConfig }
  run(app: TestApp, idp: TestIdp): Promise<void>
}

/** The config of a scenario: the test provider as `oidc`, plus what the scenario adds. */
export function oauthConfig(idp: TestIdp, scenario: OAuthScenario): ScenarioConfig {
  return {
    keys: KEYS,
    ...scenario.config?.other,
    oauth: {
      providers: {
        oidc: {
          type: 'oidc',
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          allowInsecureRequests: true,
        },
      },
      ...scenario.config?.oauth,
    },
  }
}

let accounts = 0
/** Adds an account at the provider and returns its sub. */
function account(idp: TestIdp, claims: { email?: string; email_verified?: boolean; name?: string }): string {
  const sub = `acct-${++accounts}-${randomBytes(4).toString('hex')}`
  idp.accounts.set(sub, { sub, ...claims })
  return sub
}
const uniqueEmail = () => `user-${randomBytes(5).toString('hex')}@example.com`

/** GET /oauth/oidc: the provider URL the browser is sent to. */
async function begin(browser: Browser): Promise<URL> {
  const res = await browser.send({ method: 'GET', path: '/auth/oauth/oidc' })
  expect(res.status).toBe(302)
  return new URL(res.headers.location ?? '')
}

/** The callback request of `url` (path and query), with the browser's cookies. */
const callback = (browser: Browser, url: URL) =>
  browser.send({ method: 'GET', path: `${url.pathname}${url.search}` })

/** A whole sign-in: begin, the provider as `sub`, and the callback URL it redirects to (not yet followed). */
async function authorize(browser: Browser, idp: TestIdp, sub: string): Promise<URL> {
  return idp.authorize((await begin(browser)).href, sub, CALLBACK)
}

/** The redirect of a refused callback, with its code; no session cookie was set. */
function expectRefused(res: TestResponse, code: string): void {
  expect(res.status).toBe(302)
  const location = new URL(res.headers.location ?? '')
  expect(`${location.origin}${location.pathname}`).toBe('http://localhost:3000/login')
  expect(location.searchParams.get('error')).toBe(code)
  expect(setCookie(res, '__Host-pc_access')).toBeUndefined()
  expect(setCookie(res, '__Secure-pc_refresh')).toBeUndefined()
  // The state is spent whatever the outcome.
  expect(setCookie(res, OAUTH_COOKIE)?.maxAge).toBe(0)
}

/** The signed-in user of a browser (cookie transport). */
async function me(browser: Browser) {
  const res = await browser.send({
    method: 'GET',
    path: '/auth/me',
    headers: { 'x-auth-transport': 'cookie' },
  })
  expect(res.status).toBe(200)
  return res.body.user as { id: string; email: string; emailVerified: boolean; roles: string[] }
}

/** A browser signed in with a password, in cookie transport (CSRF token fetched). */
async function passwordBrowser(app: TestApp, email: string): Promise<Browser> {
  await client(app).user(email)
  const browser = new Browser(app)
  await browser.fetchCsrf()
  const res = await browser.send({ method: 'POST', path: '/auth/login', json: { email, password: PASSWORD } })
  expect(res.status).toBe(200)
  return browser
}

/** Replaces the `<p>oauth` cookie of the browser with the request edited by `edit` and sealed again. */
function editStateCookie(
  browser: Browser,
  edit: (r: { codeVerifier: string; nonce: string | null }) => void,
) {
  const request = openAuthorizationRequest(box, 'oidc', browser.get(OAUTH_COOKIE))
  expect(request).not.toBeNull()
  if (!request) return
  edit(request)
  const res = {
    cookies: [`${OAUTH_COOKIE}=${sealAuthorizationRequest(box, 'oidc', request)}; Path=/auth/oauth`],
  }
  browser.store(res as TestResponse)
}

export const oauthScenarios: OAuthScenario[] = [
  {
    name: 'GET /oauth/:provider redirects with a 256-bit state, PKCE S256 and a nonce, bound to the oauth cookie',
    async run(app) {
      const browser = new Browser(app)
      const res = await browser.send({ method: 'GET', path: '/auth/oauth/oidc' })
      expect(res.status).toBe(302)
      const url = new URL(res.headers.location ?? '')
      const q = url.searchParams
      expect(q.get('response_type')).toBe('code')
      expect(q.get('redirect_uri')).toBe(CALLBACK)
      expect(q.get('scope')).toBe('openid email profile')
      expect(q.get('code_challenge_method')).toBe('S256')
      expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
      // 32 random bytes in base64url: 256 bits.
      expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/)
      const cookie = setCookie(res, OAUTH_COOKIE)
      expect(cookie).toMatchObject({
        path: '/auth/oauth',
        httpOnly: true,
        secure: true,
        sameSite: 'lax',
        maxAge: 600,
      })
      // The cookie is sealed: neither the state nor the PKCE verifier can be read from it.
      expect(cookie?.value).not.toContain(q.get('state'))
      const sealed = openAuthorizationRequest(box, 'oidc', cookie?.value)
      expect(sealed?.state).toBe(q.get('state'))
      expect(sealed?.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(res.body).toBeNull()
      expect(res.headers['cache-control']).toBe('no-store')
    },
  },
  {
    name: 'happy path: a new verified identity creates a verified passwordless account and signs it in',
    async run(app, idp) {
      const email = uniqueEmail()
      const sub = account(idp, { email, email_verified: true, name: 'Nia Okafor' })
      const browser = new Browser(app)
      const url = await authorize(browser, idp, sub)
      expect(url.searchParams.get('iss')).toBe(idp.issuer)
      const res = await callback(browser, url)
      expect(res.status).toBe(302)
      expect(res.headers.location).toBe('http://localhost:3000/')
      expect(setCookie(res, '__Host-pc_access')).toMatchObject({ httpOnly: true, path: '/' })
      expect(setCookie(res, '__Secure-pc_refresh')).toMatchObject({
        httpOnly: true,
        path: '/auth/token/refresh',
      })
      expect(setCookie(res, OAUTH_COOKIE)?.maxAge).toBe(0)
      const user = await me(browser)
      expect(user).toMatchObject({ email, emailVerified: true, roles: ['employee'] })
      const stored = await app.auth.store.findUserById(user.id)
      expect(stored?.passwordHash).toBeNull()
      expect(stored?.name).toBe('Nia Okafor')
      const identities = await browser.send({
        method: 'GET',
        path: '/auth/oauth/identities',
        headers: { 'x-auth-transport': 'cookie' },
      })
      expect(identities.status).toBe(200)
      expect(identities.body.identities).toEqual([
        { provider: 'oidc', email, createdAt: expect.any(String), lastUsedAt: expect.any(String) },
      ])
      // Signing in again finds the same account by (provider, subject).
      const again = new Browser(app)
      expect((await callback(again, await authorize(again, idp, sub))).status).toBe(302)
      expect((await me(again)).id).toBe(user.id)
    },
  },
  {
    name: 'parallel first sign-ins of one new identity create one account and all sign into it',
    async run(app, idp) {
      const email = uniqueEmail()
      const sub = account(idp, { email, email_verified: true })
      const flows: Array<{ browser: Browser; url: URL }> = []
      for (let i = 0; i < 5; i++) {
        const browser = new Browser(app)
        flows.push({ browser, url: await authorize(browser, idp, sub) })
      }
      const answers = await Promise.all(flows.map((f) => callback(f.browser, f.url)))
      expect(answers.map((r) => r.headers.location)).toEqual(Array(5).fill('http://localhost:3000/'))
      const ids = await Promise.all(flows.map(async (f) => (await me(f.browser)).id))
      expect(new Set(ids).size).toBe(1)
      expect((await app.auth.store.findIdentity('oidc', sub))?.userId).toBe(ids[0])
    },
  },
  {
    name: 'a missing or wrong state is refused with invalid_state and no session',
    async run(app, idp) {
      const sub = account(idp, { email: uniqueEmail(), email_verified: true })
      const browser = new Browser(app)
      const url = await authorize(browser, idp, sub)
      const missing = new URL(url)
      missing.searchParams.delete('state')
      expectRefused(await callback(browser, missing), 'invalid_state')

      const other = new Browser(app)
      const url2 = await authorize(other, idp, sub)
      const wrong = new URL(url2)
      wrong.searchParams.set('state', 'A'.repeat(43))
      expectRefused(await callback(other, wrong), 'invalid_state')
      expect(await app.auth.store.findUserByEmail(idp.accounts.get(sub)?.email ?? '')).toBeNull()
    },
  },
  {
    name: 'a missing, forged or edited state cookie is refused with invalid_state',
    async run(app, idp) {
      const sub = account(idp, { email: uniqueEmail(), email_verified: true })
      const browser = new Browser(app)
      const url = await authorize(browser, idp, sub)
      const stranger = new Browser(app)
      expectRefused(await callback(stranger, url), 'invalid_state')
      const sealed = browser.get(OAUTH_COOKIE) ?? ''
      const flipped = `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`
      browser.store({ cookies: [`${OAUTH_COOKIE}=${flipped}; Path=/auth/oauth`] } as TestResponse)
      expectRefused(await callback(browser, url), 'invalid_state')
    },
  },
  {
    name: 'a replayed callback (same URL, same cookie) is refused: the state is single use',
    async run(app, idp) {
      const sub = account(idp, { email: uniqueEmail(), email_verified: true })
      const browser = new Browser(app)
      const url = await authorize(browser, idp, sub)
      const sealed = browser.get(OAUTH_COOKIE) ?? ''
      expect((await callback(browser, url)).headers.location).toBe('http://localhost:3000/')
      const replay = new Browser(app)
      replay.store({ cookies: [`${OAUTH_COOKIE}=${sealed}; Path=/auth/oauth`] } as TestResponse)
      expectRefused(await callback(replay, url), 'invalid_state')
    },
  },
  {
    name: 'an expired state (over 10 minutes) is refused',
    async run(app, idp) {
      const sub = account(idp, { email: uniqueEmail(), email_verified: true })
      const browser = new Browser(app)
      const url = await authorize(browser, idp, sub)
      app.clock.advance(10 * minute + 1)
      expectRefused(await callback(browser, url), 'invalid_state')
    },
  },
  {
    name: 'a wrong or missing iss (RFC 9207, mix-up) is refused before the code is exchanged',
    async run(app, idp) {
      const sub = account(idp, { email: uniqueEmail(), email_verified: true })
      const browser = new Browser(app)
      const url = await authorize(browser, idp, sub)
      const wrong = new URL(url)
      wrong.searchParams.set('iss', 'https://attacker.example')
      expectRefused(await callback(browser, wrong), 'issuer_mismatch')

      const other = new Browser(app)
      const url2 = await authorize(other, idp, sub)
      const missing = new URL(url2)
      missing.searchParams.delete('iss')
      // The provider announces authorization_response_iss_parameter_supported: a response without iss is refused.
      expectRefused(await callback(other, missing), 'issuer_mismatch')
    },
  },
  {
    name: 'a PKCE verifier that does not match the challenge is refused by the provider (exchange_failed)',
    async run(app, idp) {
      const sub = account(idp, { email: uniqueEmail(), email_verified: true })
      const browser = new Browser(app)
      const url = await authorize(browser, idp, sub)
      editStateCookie(browser, (r) => {
        r.codeVerifier = randomBytes(32).toString('base64url')
      })
      expectRefused(await callback(browser, url), 'exchange_failed')
    },
  },
  {
    name: 'an ID token whose nonce is not the request’s is refused (invalid_response)',
    async run(app, idp) {
      const sub = account(idp, { email: uniqueEmail(), email_verified: true })
      const browser = new Browser(app)
      const url = await authorize(browser, idp, sub)
      editStateCookie(browser, (r) => {
        r.nonce = randomBytes(32).toString('base64url')
      })
      expectRefused(await callback(browser, url), 'invalid_response')
    },
  },
  {
    name: 'the provider’s error (the user declined) reaches the error page as access_denied',
    async run(app, idp) {
      const browser = new Browser(app)
      const start = await begin(browser)
      const url = new URL(CALLBACK)
      url.searchParams.set('error', 'access_denied')
      url.searchParams.set('state', start.searchParams.get('state') ?? '')
      url.searchParams.set('iss', idp.issuer)
      expectRefused(await callback(browser, url), 'access_denied')
    },
  },
  {
    name: 'an unverified or missing provider email neither creates nor signs into an account',
    async run(app, idp) {
      const email = uniqueEmail()
      await client(app).user(email)
      for (const claims of [{ email, email_verified: false }, { email: uniqueEmail() }, {}]) {
        const browser = new Browser(app)
        expectRefused(
          await callback(browser, await authorize(browser, idp, account(idp, claims))),
          'email_not_verified',
        )
      }
      expect(
        await app.auth.store.listIdentities((await app.auth.store.findUserByEmail(email))?.id ?? ''),
      ).toEqual([])
    },
  },
  {
    name: 'a verified email of an existing local account is refused with account_exists (no auto-link)',
    async run(app, idp) {
      const email = uniqueEmail()
      const local = await client(app).user(email.toUpperCase())
      const browser = new Browser(app)
      expectRefused(
        await callback(browser, await authorize(browser, idp, account(idp, { email, email_verified: true }))),
        'account_exists',
      )
      expect(await app.auth.store.listIdentities(local.id)).toEqual([])
    },
  },
  {
    name: 'with autoLinkVerifiedEmail, a verified email signs into the verified local account and links it',
    config: { oauth: { autoLinkVerifiedEmail: true } },
    async run(app, idp) {
      const email = uniqueEmail()
      const local = await client(app).user(email)
      const sub = account(idp, { email, email_verified: true })
      const browser = new Browser(app)
      const res = await callback(browser, await authorize(browser, idp, sub))
      expect(res.headers.location).toBe('http://localhost:3000/')
      expect((await me(browser)).id).toBe(local.id)
      expect((await app.auth.store.findIdentity('oidc', sub))?.userId).toBe(local.id)
      // Never onto an address nobody proved: an unverified local account is account_exists even so.
      const squatted = uniqueEmail()
      await client(app).user(squatted, { verified: false })
      const other = new Browser(app)
      expectRefused(
        await callback(
          other,
          await authorize(other, idp, account(idp, { email: squatted, email_verified: true })),
        ),
        'account_exists',
      )
    },
  },
  {
    name: 'link: a signed-in user links a provider account; it then signs into that user',
    async run(app, idp) {
      const browser = await passwordBrowser(app, uniqueEmail())
      const local = await me(browser)
      // The provider account's email is another one: linking is by the signed-in session, not by email.
      const sub = account(idp, { email: uniqueEmail(), email_verified: true })
      const started = await browser.send({ method: 'POST', path: '/auth/oauth/oidc/link' })
      expect(started.status).toBe(200)
      expect(setCookie(started, OAUTH_COOKIE)).toMatchObject({ httpOnly: true, path: '/auth/oauth' })
      const url = await idp.authorize(started.body.url, sub, CALLBACK)
      const res = await callback(browser, url)
      expect(res.headers.location).toBe('http://localhost:3000/?linked=oidc')
      expect(setCookie(res, '__Host-pc_access')).toBeUndefined()
      const list = await browser.send({ method: 'GET', path: '/auth/oauth/identities' })
      expect(list.body.identities.map((i: { provider: string }) => i.provider)).toEqual(['oidc'])
      const fresh = new Browser(app)
      await callback(fresh, await authorize(fresh, idp, sub))
      expect((await me(fresh)).id).toBe(local.id)
      // The same provider account cannot be linked to a second user.
      const second = await passwordBrowser(app, uniqueEmail())
      const again = await second.send({ method: 'POST', path: '/auth/oauth/oidc/link' })
      expectRefused(
        await callback(second, await idp.authorize(again.body.url, sub, CALLBACK)),
        'identity_in_use',
      )
    },
  },
  {
    name: 'link: a provider account whose email is unverified or missing never links (email_not_verified)',
    async run(app, idp) {
      const browser = await passwordBrowser(app, uniqueEmail())
      for (const claims of [{ email: uniqueEmail(), email_verified: false }, {}]) {
        const sub = account(idp, claims)
        const started = await browser.send({ method: 'POST', path: '/auth/oauth/oidc/link' })
        expectRefused(
          await callback(browser, await idp.authorize(started.body.url, sub, CALLBACK)),
          'email_not_verified',
        )
      }
      const list = await browser.send({ method: 'GET', path: '/auth/oauth/identities' })
      expect(list.body.identities).toEqual([])
    },
  },
  {
    name: 'link needs a signed-in session and CSRF in cookie transport',
    async run(app) {
      expectError(await client(app).post('/auth/oauth/oidc/link'), 401, 'UNAUTHENTICATED')
      const browser = await passwordBrowser(app, uniqueEmail())
      browser.csrfToken = undefined
      expectError(await browser.send({ method: 'POST', path: '/auth/oauth/oidc/link' }), 403, 'CSRF_FAILED')
    },
  },
  {
    name: 'link needs a recent sign-in (step-up, 10 minutes)',
    async run(app) {
      const browser = await passwordBrowser(app, uniqueEmail())
      app.clock.advance(11 * minute)
      // The access token (15 minutes) is still good; the sign-in is too old to add a sign-in method.
      const res = await browser.send({ method: 'POST', path: '/auth/oauth/oidc/link' })
      expectError(res, 403, 'STEP_UP_REQUIRED')
      expect(setCookie(res, OAUTH_COOKIE)).toBeUndefined()
    },
  },
  {
    name: 'unlink: allowed while a password remains; the last sign-in method is 409 CONFLICT',
    async run(app, idp) {
      const browser = await passwordBrowser(app, uniqueEmail())
      const started = await browser.send({ method: 'POST', path: '/auth/oauth/oidc/link' })
      const sub = account(idp, { email: uniqueEmail(), email_verified: true })
      await callback(browser, await idp.authorize(started.body.url, sub, CALLBACK))
      const unlinked = await browser.send({ method: 'DELETE', path: '/auth/oauth/identities/oidc' })
      expect(unlinked.status).toBe(204)
      expectError(
        await browser.send({ method: 'DELETE', path: '/auth/oauth/identities/oidc' }),
        404,
        'NOT_FOUND',
      )

      // An account made by a provider sign-in has no password: its one identity is its only way in.
      const federated = new Browser(app)
      await callback(
        federated,
        await authorize(federated, idp, account(idp, { email: uniqueEmail(), email_verified: true })),
      )
      await federated.fetchCsrf()
      const refused = await federated.send({ method: 'DELETE', path: '/auth/oauth/identities/oidc' })
      expectError(refused, 409, 'CONFLICT')
      const list = await federated.send({ method: 'GET', path: '/auth/oauth/identities' })
      expect(list.body.identities).toHaveLength(1)
    },
  },
  {
    name: 'an MFA account gets the MFA challenge after the provider, not a session; /login/mfa completes it',
    async run(app, idp) {
      const email = uniqueEmail()
      const user = await client(app).user(email)
      const principal = await app.auth.authenticate((await client(app).login(email)).accessToken)
      const ctx = { ip: null, userAgent: null }
      const setup = await app.auth.setupTotp(principal, ctx)
      const code = generateTotp(
        fromBase32(setup.secret) ?? new Uint8Array(),
        app.clock.now(),
        defaultTotpOptions,
      )
      const { backupCodes } = await app.auth.enableTotp(principal, { code }, ctx)
      const sub = account(idp, { email, email_verified: true })
      await app.auth.store.linkIdentity({
        id: `id-${sub}`,
        userId: user.id,
        provider: 'oidc',
        subject: sub,
        email,
        emailVerified: true,
        createdAt: app.clock.now(),
        lastUsedAt: app.clock.now(),
      })
      const browser = new Browser(app)
      const res = await callback(browser, await authorize(browser, idp, sub))
      expect(res.status).toBe(302)
      const location = new URL(res.headers.location ?? '')
      expect(`${location.origin}${location.pathname}${location.search}`).toBe('http://localhost:3000/')
      // The token travels in the fragment: no server, log or Referer sees it.
      const fragment = new URLSearchParams(location.hash.slice(1))
      expect(fragment.get('mfaToken')).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(fragment.get('methods')).toBe('totp,backup_code')
      expect(setCookie(res, '__Host-pc_access')).toBeUndefined()
      expect(setCookie(res, '__Secure-pc_refresh')).toBeUndefined()
      await browser.fetchCsrf()
      const done = await browser.send({
        method: 'POST',
        path: '/auth/login/mfa',
        json: { mfaToken: fragment.get('mfaToken'), backupCode: backupCodes[0] },
      })
      expect(done.status).toBe(200)
      expect((await me(browser)).id).toBe(user.id)
      const signedIn = await app.auth.authenticate(browser.get('__Host-pc_access') ?? '')
      expect(signedIn.amr).toEqual(['fed', 'otp'])
    },
  },
  {
    name: 'an unknown provider is 404 NOT_FOUND',
    async run(app) {
      expectError(await client(app).get('/auth/oauth/nope'), 404, 'NOT_FOUND')
      expectError(await client(app).get('/auth/oauth/nope/callback?code=x&state=y'), 404, 'NOT_FOUND')
    },
  },
  {
    name: 'the client secret appears in no response and no log line',
    async run(app, idp) {
      const browser = new Browser(app)
      const url = await authorize(browser, idp, account(idp, { email: uniqueEmail(), email_verified: true }))
      editStateCookie(browser, (r) => {
        r.codeVerifier = randomBytes(32).toString('base64url')
      })
      const res = await callback(browser, url)
      expectRefused(res, 'exchange_failed')
      expect(JSON.stringify(app.logger.lines)).not.toContain(idp.clientSecret)
      expect(JSON.stringify(res)).not.toContain(idp.clientSecret)
      expect(app.logger.lines.some((l) => l.message.includes('oauth'))).toBe(true)
    },
  },
]

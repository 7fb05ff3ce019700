import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthHandler, createHandler, routes, serializeBody } from '../../src/http/index.js'
import { adapterNames, makeApp, makeAuth, type TestApp } from './harness.js'
import { PASSWORD } from './kit.js'

// Property: whatever arrives (bodies, headers, tokens, paths), the answer is never a 5xx, and every 4xx has
// the contract's error shape (RFC 6749 §5.2 on /token).

const EMAIL = 'fuzz@example.com'

// Mostly well-aimed requests (a route of the table with its own method), some anywhere.
const routeTarget = fc.constantFrom(
  ...routes.map((r) => ({ method: r.method, path: r.path.replace(':id', 'abc') })),
)
const strayTarget = fc.record({
  method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'),
  path: fc.oneof(
    fc.constantFrom(
      '/',
      '/nope',
      '/sessions/',
      '/sessions/%E0%A4%A',
      '/token/refresh/',
      '//login',
      '/login?x=1',
    ),
    fc.webPath(),
  ),
})
const target = fc.oneof({ arbitrary: routeTarget, weight: 6 }, { arbitrary: strayTarget, weight: 1 })
/** Present now and then: most headers are absent from most requests. */
const sometimes = <T>(arb: fc.Arbitrary<T>, weight = 3) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight }, { arbitrary: arb, weight: 1 })

const token = fc.oneof(
  fc.string(),
  fc.base64String(),
  fc.constant('x'.repeat(600)),
  fc.constant('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'),
  fc.stringMatching(/^[A-Za-z0-9_-]{10,60}\.[A-Za-z0-9_-]{10,60}\.[A-Za-z0-9_-]{0,60}$/),
)
const email = fc.oneof(
  fc.constant(EMAIL),
  fc.emailAddress(),
  fc.string(),
  fc.constant(` ${EMAIL.toUpperCase()} `),
)
const value = fc.oneof(
  email,
  token,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.anything({ maxDepth: 2 }),
)
const mostly = <T, U>(good: fc.Arbitrary<T>, other: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: other, weight: 1 })
const fields = fc.record(
  {
    email: mostly(email, value),
    password: mostly(fc.oneof(fc.constant(PASSWORD), fc.string({ maxLength: 40 })), value),
    name: value,
    token: mostly(token, value),
    refreshToken: mostly(token, value),
    rememberMe: mostly(fc.boolean(), value),
    __proto__: fc.anything({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
)
const jsonBody = fc.oneof(
  { arbitrary: fields.map((f) => JSON.stringify(f)), weight: 6 },
  { arbitrary: fc.oneof(fc.json(), fc.string(), fc.constant('')), weight: 1 },
)
const formBody = fc
  .record(
    {
      grant_type: fc.oneof(fc.constantFrom('password', 'refresh_token', 'client_credentials'), fc.string()),
      username: email,
      password: fc.oneof(fc.constant(PASSWORD), fc.string()),
      refresh_token: token,
      client_id: fc.string(),
    },
    { requiredKeys: [] },
  )
  .map((f) => new URLSearchParams(f as Record<string, string>).toString())
const body = fc.option(
  fc.oneof(
    { arbitrary: jsonBody, weight: 6 },
    { arbitrary: formBody, weight: 2 },
    { arbitrary: fc.constant('x'.repeat(17 * 1024)), weight: 1 },
  ),
  { nil: undefined, freq: 6 },
)

const headers = fc.record({
  'content-type': fc.oneof(
    { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'), weight: 4 },
    { arbitrary: fc.constant('application/x-www-form-urlencoded'), weight: 2 },
    {
      arbitrary: fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/json;;', ''),
      weight: 1,
    },
  ),
  authorization: sometimes(
    fc.oneof(
      token.map((t) => `Bearer ${t}`),
      fc.string(),
      token.map((t) => `Basic ${t}`),
    ),
  ),
  cookie: sometimes(
    fc.oneof(
      token.map((t) => `__Host-pc_csrf=${t}`),
      token.map((t) => `__Host-pc_access=${t}; __Secure-pc_refresh=${t}; __Host-pc_csrf=${t}`),
      fc.string(),
    ),
  ),
  'x-csrf-token': sometimes(token),
  'x-auth-transport': sometimes(fc.oneof(fc.constantFrom('bearer', 'cookie', 'BEARER'), fc.string())),
  origin: sometimes(
    fc.oneof(fc.constantFrom('http://localhost:3000', 'null', 'https://evil.example'), fc.webUrl()),
    6,
  ),
  'sec-fetch-site': sometimes(fc.oneof(fc.constantFrom('same-origin', 'cross-site', 'none'), fc.string())),
  'x-request-id': sometimes(fc.string({ maxLength: 140 }), 1),
  'x-forwarded-for': sometimes(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()), 1),
  'accept-language': sometimes(fc.string()),
  'user-agent': sometimes(fc.string({ maxLength: 1000 })),
})
// Header values a real client can send: visible ASCII only.
const printableHeaders = headers.map(
  (h) =>
    Object.fromEntries(
      Object.entries(h).filter(([, v]) => typeof v === 'string' && /^[\x20-\x7e]*$/.test(v)),
    ) as Record<string, string>,
)
const remoteAddress = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant('::ffff:127.0.0.1'), fc.constant(undefined))

const request = fc
  .record({ target, headers: printableHeaders, body, remoteAddress })
  .map(({ target: t, ...rest }) => ({ ...t, ...rest }))
type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never

function checkAnswer(req: FuzzRequest, status: number, text: string, requestId: string | undefined): void {
  const where = `${req.method} ${req.path} → ${status} ${text.slice(0, 200)}`
  expect(status, where).toBeLessThan(500)
  expect(status, where).toBeGreaterThanOrEqual(200)
  if (status < 400) return
  const answer = JSON.parse(text)
  if (req.path.split('?')[0] === '/token' && req.method === 'POST') {
    expect(typeof answer.error, where).toBe('string')
    expect(typeof answer.error_description, where).toBe('string')
    return
  }
  expect(Object.keys(answer), where).toEqual(['error'])
  expect(typeof answer.error.code, where).toBe('string')
  expect(typeof answer.error.message, where).toBe('string')
  expect(answer.error.requestId, where).toBe(requestId)
}

describe('fuzzing the adapter-neutral handler', () => {
  const made = makeAuth({ http: { trustProxy: 1 } })
  let handle: AuthHandler
  beforeAll(async () => {
    await made.auth.provisionUser({ email: EMAIL, password: PASSWORD, verified: true })
    handle = createHandler(made.auth)
  })
  afterAll(() => made.auth.close())

  it('never answers 5xx and always the error shape on 4xx (2,400 generated requests)', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const url = req.path.startsWith('/') ? req.path : `/${req.path}`
        const queryAt = url.indexOf('?')
        const res = await handle({
          method: req.method,
          path: queryAt === -1 ? url : url.slice(0, queryAt),
          query: new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt)),
          headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v])),
          cookies: {},
          rawBody: req.body,
          remoteAddress: req.remoteAddress,
          secure: false,
        })
        checkAnswer(req, res.status, serializeBody(res) ?? '', res.headers['X-Request-Id'] as string)
        expect(res.headers['Cache-Control']).toBe('no-store')
      }),
      { numRuns: 2400 },
    )
    expect(made.logger.lines.filter((l) => l.level === 'error')).toEqual([])
  }, 120_000)
})

describe.each(adapterNames)('fuzzing the %s adapter', (adapter) => {
  let app: TestApp
  beforeAll(async () => {
    app = await makeApp(adapter, { http: { trustProxy: 1 } })
    await app.auth.provisionUser({ email: EMAIL, password: PASSWORD, verified: true })
  })
  afterAll(() => app.close())

  it('never answers 5xx and always the error shape on 4xx (300 generated requests)', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const res = await app.send({
          method: req.method,
          path: `/auth${req.path.startsWith('/') ? '' : '/'}${req.path}`,
          headers: req.headers,
          ...(req.body !== undefined && !['GET', 'OPTIONS'].includes(req.method) ? { body: req.body } : {}),
        })
        checkAnswer(
          { ...req, path: req.path.startsWith('/') ? req.path : `/${req.path}` },
          res.status,
          res.text,
          res.headers['x-request-id'],
        )
      }),
      { numRuns: 300 },
    )
  }, 120_000)
})

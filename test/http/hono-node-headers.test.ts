import { type AddressInfo, connect } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthEnv, honoAuth } from '../../adapters/hono/index.js'
import { cookieNames } from '../../src/http/cookies.js'
import { makeAuth } from '../helpers.js'

// On @hono/node-server the Hono adapter reads Node's raw headers instead of building a Fetch `Headers`; what the
// guard sees must be what it saw through `Headers`: the same answer for the same header lines, repeats included.
type Lines = [string, string][]

const t = makeAuth()
const names = cookieNames(t.auth.settings)
let token = ''
let server: ReturnType<typeof serve>
let port = 0
const app = new Hono<AuthEnv>()
const { requireAuth } = honoAuth(t.auth)
app.get('/me', requireAuth(), (c) => c.json({ user: c.var.auth.userId }))

/** Sends the header lines exactly as given (repeats as repeated lines) to the Node server, over a raw socket. */
function overNode(lines: Lines): Promise<{ status: number; body: string }> {
  const head = [
    'GET /me HTTP/1.1',
    'Host: 127.0.0.1',
    'Connection: close',
    ...lines.map(([n, v]) => `${n}: ${v}`),
  ]
  return new Promise((resolve, reject) => {
    let text = ''
    const socket = connect(port, '127.0.0.1', () => socket.end(`${head.join('\r\n')}\r\n\r\n`))
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    socket.on('error', reject)
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)
      // The answers are small JSON objects; the body is the JSON whatever the transfer coding.
      resolve({ status, body: text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1) })
    })
  })
}

/** The same lines through a Fetch `Headers`, in process. */
async function overFetch(lines: Lines): Promise<{ status: number; body: string }> {
  const response = await app.request('http://127.0.0.1/me', { headers: new Headers(lines) })
  return { status: response.status, body: await response.text() }
}

const errorCode = (body: string) => {
  try {
    return JSON.parse(body)?.error?.code ?? JSON.parse(body)?.user ?? body
  } catch {
    return body
  }
}

beforeAll(async () => {
  await t.signUp()
  token = (await t.signIn()).accessToken
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      port = info.port
      resolve()
    })
  })
})

afterAll(() => {
  server.close()
})

describe('Hono adapter on @hono/node-server', () => {
  const cases: [string, () => Lines][] = [
    ['one bearer token', () => [['authorization', `Bearer ${token}`]]],
    [
      'the token twice',
      () => [
        ['authorization', `Bearer ${token}`],
        ['Authorization', `Bearer ${token}`],
      ],
    ],
    ['surrounding whitespace', () => [['authorization', `  Bearer ${token}\t`]]],
    ['no credentials', () => []],
    [
      'transport asked twice',
      () => [
        ['x-auth-transport', 'bearer'],
        ['x-auth-transport', 'bearer'],
        ['authorization', `Bearer ${token}`],
      ],
    ],
    [
      'cookie transport, cookies on two lines',
      () => [
        ['cookie', 'theme=dark'],
        ['cookie', `${names.access}=${token}`],
        ['x-auth-transport', 'cookie'],
      ],
    ],
    [
      'a byte above ASCII in a value',
      () => [
        ['x-note', 'caf\u00e9'],
        ['authorization', `Bearer ${token}`],
      ],
    ],
    [
      'cookie transport, one cookie line',
      () => [
        ['cookie', `theme=dark; ${names.access}=${token}`],
        ['x-auth-transport', 'cookie'],
      ],
    ],
    [
      'an origin twice',
      () => [
        ['origin', 'http://localhost:3000'],
        ['origin', 'http://evil.example'],
        ['authorization', `Bearer ${token}`],
      ],
    ],
  ]
  for (const [name, lines] of cases)
    it(`answers ${name} as through Headers`, async () => {
      const [node, fetch] = await Promise.all([overNode(lines()), overFetch(lines())])
      expect({ status: node.status, answer: errorCode(node.body) }).toEqual({
        status: fetch.status,
        answer: errorCode(fetch.body),
      })
    })
})

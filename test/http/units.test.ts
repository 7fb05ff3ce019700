import express from 'express'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { expressAuth } from '../../adapters/express/index.js'
import { settingsSchema } from '../../src/config.js'
import { cookieNames } from '../../src/http/cookies.js'
import { originPolicy } from '../../src/http/cors.js'
import { securityHeaders } from '../../src/http/security-headers.js'
import { makeAuth } from './harness.js'
import { PASSWORD } from './kit.js'

const settings = (extra: Record<string, unknown> = {}) =>
  settingsSchema.parse({ appUrl: 'https://app.example', ...extra })

describe('cookie names and paths', () => {
  it('follow the mount path, including the root', () => {
    expect(cookieNames(settings())).toEqual({
      access: '__Host-pc_access',
      refresh: '__Secure-pc_refresh',
      csrf: '__Host-pc_csrf',
      refreshPath: '/auth/token/refresh',
      device: '__Secure-pc_device',
      devicePath: '/auth/login',
    })
    const root = cookieNames(settings({ http: { mountPath: '', cookies: { prefix: 'x_', secure: false } } }))
    expect(root).toEqual({
      access: 'x_access',
      refresh: 'x_refresh',
      csrf: 'x_csrf',
      refreshPath: '/token/refresh',
      device: 'x_device',
      devicePath: '/login',
    })
  })
})

describe('securityHeaders', () => {
  it('adds configured CSP origins and HSTS preload only when asked', () => {
    const make = securityHeaders(
      settings({
        http: {
          hsts: { preload: true },
          cspExtraOrigins: {
            script: ['https://captcha.example'],
            frame: ['https://captcha.example'],
            connect: [],
          },
        },
      }),
    )
    const { headers, nonce } = make(true)
    expect(headers['Content-Security-Policy']).toBe(
      `default-src 'self'; script-src 'self' 'nonce-${nonce}' https://captcha.example; frame-src 'self' https://captcha.example; frame-ancestors 'none'; base-uri 'none'; object-src 'none'`,
    )
    expect(headers['Strict-Transport-Security']).toBe('max-age=63072000; includeSubDomains; preload')
    expect(make(false).headers['Strict-Transport-Security']).toBeUndefined()
    expect(make(false).nonce).not.toBe(nonce)
  })

  it('the Express helper sets them on the host’s pages with the nonce on res.locals', async () => {
    const { auth } = makeAuth()
    const app = express()
    const a = expressAuth(auth)
    app.get(
      '/page',
      a.securityHeaders(),
      (_req, res) => void res.send(`<script nonce="${res.locals.cspNonce}"></script>`),
    )
    const res = await request(app).get('/page')
    const nonce = /nonce="([^"]+)"/.exec(res.text)?.[1]
    expect(res.headers['content-security-policy']).toContain(`'nonce-${nonce}'`)
    expect(res.headers['x-frame-options']).toBe('DENY')
    await auth.close()
  })
})

describe('originPolicy', () => {
  it('allows appUrl, exact origins and whole-origin patterns; never null', () => {
    const p = originPolicy(
      settings({
        http: { cors: { origins: ['https://b.example'], patterns: ['https://.*\\.c\\.example'] } },
      }),
    )
    expect(p.allows('https://app.example')).toBe(true)
    expect(p.allows('https://b.example')).toBe(true)
    expect(p.allows('https://x.c.example')).toBe(true)
    expect(p.allows('https://x.c.example.evil')).toBe(false)
    expect(p.allows('https://app.example.evil')).toBe(false)
    expect(p.allows('null')).toBe(false)
  })

  it('answers * only without credentials', () => {
    const p = originPolicy(settings({ http: { cors: { origins: ['*'], credentials: false } } }))
    expect(p.allows('https://any.example')).toBe(true)
    expect(p.responseHeaders('https://any.example')['Access-Control-Allow-Origin']).toBe('*')
    expect(p.responseHeaders('https://any.example')['Access-Control-Allow-Credentials']).toBeUndefined()
  })
})

describe('Express adapter behind a global body parser', () => {
  it('still answers when express.json() / express.urlencoded() consumed the body first', async () => {
    const { auth } = makeAuth()
    await auth.provisionUser({ email: 'p@example.com', password: PASSWORD, verified: true })
    const app = express()
    app.use(express.json(), express.urlencoded({ extended: false }))
    app.use('/auth', expressAuth(auth).router)
    const json = await request(app).post('/auth/login').send({ email: 'p@example.com', password: PASSWORD })
    expect(json.status).toBe(200)
    const form = await request(app)
      .post('/auth/token')
      .type('form')
      .send({ grant_type: 'password', username: 'p@example.com', password: PASSWORD })
    expect(form.status).toBe(200)
    expect(typeof form.body.access_token).toBe('string')
    await auth.close()
  })
})

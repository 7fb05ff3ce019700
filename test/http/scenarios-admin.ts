import { expect } from 'vitest'
import type { TestApp } from './harness.js'
import { client, expectError, PASSWORD } from './kit.js'
import type { Scenario } from './scenarios.js'

const ANN = 'ann@example.com'
const BOB = 'bob@example.com'
const ROOT = 'root@example.com'
const MIA = 'mia@example.com'
const minute = 60_000
const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/** Client helpers plus signed-in users of each default role. */
async function team(app: TestApp) {
  const c = client(app)
  const json = (method: string, path: string, token: string, value?: unknown) =>
    app.send({
      method,
      path,
      headers: {
        authorization: `Bearer ${token}`,
        ...(value === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(value === undefined ? {} : { body: JSON.stringify(value) }),
    })
  const key = (path: string, apiKey: string, method = 'GET', remoteAddress?: string) =>
    app.send({ method, path, headers: { 'x-api-key': apiKey }, ...(remoteAddress ? { remoteAddress } : {}) })
  const root = await c.user(ROOT, { roles: ['admin'] })
  const mia = await c.user(MIA, { roles: ['manager'] })
  const ann = await c.user(ANN)
  return { c, json, key, root, mia, ann }
}

/** Creates an API key for `token` and returns the response body. */
async function createKey(app: TestApp, token: string, input: Record<string, unknown> = { name: 'ci' }) {
  const res = await app.send({
    method: 'POST',
    path: '/auth/api-keys',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  expect(res.status).toBe(201)
  return res.body as { apiKey: { id: string; prefix: string }; key: string }
}

/** Sessions, activity, administration and API keys: every route and its errors, on every adapter. */
export const adminScenarios: Scenario[] = [
  // ---- sessions and activity
  {
    name: 'GET /sessions labels the device; DELETE /sessions ends every other session and keeps this one',
    async run(app) {
      const { c } = await team(app)
      const login = await c.post('/auth/login', { email: ANN, password: PASSWORD }, { 'user-agent': firefox })
      const one = login.body.accessToken as string
      const two = await c.login(ANN)
      const list = await c.get('/auth/sessions', c.bearer(one))
      const mine = list.body.sessions.find((s: { current: boolean }) => s.current)
      expect(mine).toMatchObject({ device: 'Firefox on Linux', userAgent: firefox })
      const res = await c.del('/auth/sessions', c.bearer(one))
      expect(res.status).toBe(204)
      expectError(await c.get('/auth/me', c.bearer(two.accessToken)), 401, 'UNAUTHENTICATED')
      expect((await c.get('/auth/me', c.bearer(one))).status).toBe(200)
      const after = await c.get('/auth/sessions', c.bearer(one))
      expect(after.body.sessions).toHaveLength(1)
      expectError(await c.del('/auth/sessions'), 401, 'UNAUTHENTICATED')
    },
  },
  {
    name: 'GET /activity lists only the caller’s own sign-in history, pages with nextCursor, validates the query',
    async run(app) {
      const { c } = await team(app)
      await c.user(BOB)
      await c.post('/auth/login', { email: ANN, password: 'Wrong-Passw0rd!' })
      await c.post('/auth/login', { email: BOB, password: 'Wrong-Passw0rd!' })
      app.clock.advance(1000)
      const ann = await c.login(ANN)
      const res = await c.get('/auth/activity', c.bearer(ann.accessToken))
      expect(res.status).toBe(200)
      expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(['login.success', 'login.failure'])
      expect(Object.keys(res.body.events[0]).sort()).toEqual(['at', 'ip', 'type', 'userAgent'])
      expect(res.body.events[0].at).toMatch(iso)
      expect(res.body.nextCursor).toBeNull()
      const first = await c.get('/auth/activity?limit=1', c.bearer(ann.accessToken))
      expect(first.body.events).toHaveLength(1)
      const next = await c.get(
        `/auth/activity?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
        c.bearer(ann.accessToken),
      )
      expect(next.body.events[0].type).toBe('login.failure')
      expectError(
        await c.get('/auth/activity?limit=abc', c.bearer(ann.accessToken)),
        400,
        'VALIDATION_FAILED',
      )
      expectError(await c.get('/auth/activity?limit=0', c.bearer(ann.accessToken)), 400, 'VALIDATION_FAILED')
      expectError(await c.get('/auth/activity'), 401, 'UNAUTHENTICATED')
    },
  },

  // ---- admin
  {
    name: 'GET /admin/users needs users:read, searches with q and pages with a cursor',
    async run(app) {
      const { c } = await team(app)
      const ann = await c.login(ANN)
      const mia = await c.login(MIA)
      expectError(await c.get('/auth/admin/users', c.bearer(ann.accessToken)), 403, 'FORBIDDEN')
      const all = await c.get('/auth/admin/users', c.bearer(mia.accessToken))
      expect(all.status).toBe(200)
      expect(all.body.users.map((u: { email: string }) => u.email).sort()).toEqual([ANN, MIA, ROOT])
      expect(all.body.nextCursor).toBeNull()
      expect(all.body.users[0]).toMatchObject({ status: 'active', emailVerified: true })
      expect(all.body.users[0].passwordHash).toBeUndefined()
      const q = await c.get('/auth/admin/users?q=ROOT%40', c.bearer(mia.accessToken))
      expect(q.body.users.map((u: { email: string }) => u.email)).toEqual([ROOT])
      const page = await c.get('/auth/admin/users?limit=2', c.bearer(mia.accessToken))
      expect(page.body.users).toHaveLength(2)
      const rest = await c.get(
        `/auth/admin/users?limit=2&cursor=${page.body.nextCursor}`,
        c.bearer(mia.accessToken),
      )
      expect(rest.body).toMatchObject({ nextCursor: null })
      expect(rest.body.users).toHaveLength(1)
      expectError(
        await c.get('/auth/admin/users?limit=-1', c.bearer(mia.accessToken)),
        400,
        'VALIDATION_FAILED',
      )
      expectError(await c.get('/auth/admin/users'), 401, 'UNAUTHENTICATED')
    },
  },
  {
    name: 'PUT /admin/users/:id/roles: 400 for an unknown role, 403 without users:write, 404 for an unknown user',
    async run(app) {
      const { c, json, ann } = await team(app)
      const root = await c.login(ROOT)
      const mia = await c.login(MIA)
      const path = `/auth/admin/users/${ann.id}/roles`
      const unknown = await json('PUT', path, root.accessToken, { roles: ['wizard'] })
      expectError(unknown, 400, 'VALIDATION_FAILED')
      expect(unknown.body.error.details).toEqual([{ path: 'roles', message: 'unknown roles: wizard' }])
      expectError(await json('PUT', path, root.accessToken, { roles: 'admin' }), 400, 'VALIDATION_FAILED')
      expectError(await json('PUT', path, mia.accessToken, { roles: ['admin'] }), 403, 'FORBIDDEN')
      expectError(
        await json('PUT', '/auth/admin/users/nobody/roles', root.accessToken, { roles: ['admin'] }),
        404,
        'NOT_FOUND',
      )
    },
  },
  {
    name: 'a role change takes effect on the next request: the old access token is refused, the refresh has the new roles',
    async run(app) {
      const { c, json, ann } = await team(app)
      const root = await c.login(ROOT)
      const before = await c.login(ANN)
      expectError(await c.get('/api/users', c.bearer(before.accessToken)), 403, 'FORBIDDEN')
      const res = await json('PUT', `/auth/admin/users/${ann.id}/roles`, root.accessToken, {
        roles: ['manager'],
      })
      expect(res.status).toBe(200)
      expect(res.body.user).toMatchObject({ id: ann.id, roles: ['manager'] })
      expectError(await c.get('/auth/me', c.bearer(before.accessToken)), 401, 'UNAUTHENTICATED')
      const refreshed = await c.post('/auth/token/refresh', { refreshToken: before.refreshToken })
      expect(refreshed.status).toBe(200)
      expect((await c.get('/api/users', c.bearer(refreshed.body.accessToken))).status).toBe(200)
      const audit = await c.get(
        `/auth/admin/audit?type=role.change&userId=${ann.id}`,
        c.bearer(root.accessToken),
      )
      expect(audit.body.events[0]).toMatchObject({ actorId: root.user.id, meta: { to: ['manager'] } })
    },
  },
  {
    name: 'block revokes every session at once and refuses login, refresh and API keys; unblock lets the user in',
    async run(app) {
      const { c, json, key, ann } = await team(app)
      const root = await c.login(ROOT)
      const mia = await c.login(MIA)
      const session = await c.login(ANN)
      const { key: apiKey } = await createKey(app, session.accessToken)
      expectError(await json('POST', `/auth/admin/users/${ann.id}/block`, mia.accessToken), 403, 'FORBIDDEN')
      const blocked = await json('POST', `/auth/admin/users/${ann.id}/block`, root.accessToken)
      expect(blocked.status).toBe(200)
      expect(blocked.body.user).toMatchObject({ id: ann.id, status: 'blocked' })
      expectError(await c.get('/auth/me', c.bearer(session.accessToken)), 401, 'UNAUTHENTICATED')
      expectError(
        await c.post('/auth/token/refresh', { refreshToken: session.refreshToken }),
        401,
        'TOKEN_INVALID',
      )
      expectError(await c.post('/auth/login', { email: ANN, password: PASSWORD }), 403, 'ACCOUNT_DISABLED')
      expectError(await key('/auth/me', apiKey), 403, 'ACCOUNT_DISABLED')
      expectError(
        await json('POST', `/auth/admin/users/${root.user.id}/block`, root.accessToken),
        409,
        'CONFLICT',
      )
      expectError(await json('POST', '/auth/admin/users/nobody/block', root.accessToken), 404, 'NOT_FOUND')
      const unblocked = await json('POST', `/auth/admin/users/${ann.id}/unblock`, root.accessToken)
      expect(unblocked.body.user.status).toBe('active')
      expect((await c.post('/auth/login', { email: ANN, password: PASSWORD })).status).toBe(200)
      expect((await key('/auth/me', apiKey)).status).toBe(200)
    },
  },
  {
    name: 'POST /admin/users/:id/unlock clears the login lockout, audited with its actor',
    async run(app) {
      const { c, json, ann } = await team(app)
      const root = await c.login(ROOT)
      for (let i = 0; i < 5; i++) await c.post('/auth/login', { email: ANN, password: 'Wrong-Passw0rd!' })
      app.clock.advance(2 * minute) // out of the per-minute rate window
      expectError(await c.post('/auth/login', { email: ANN, password: PASSWORD }), 423, 'ACCOUNT_LOCKED')
      const res = await json('POST', `/auth/admin/users/${ann.id}/unlock`, root.accessToken)
      expect(res.status).toBe(200)
      expect(res.body.user.id).toBe(ann.id)
      expect((await c.post('/auth/login', { email: ANN, password: PASSWORD })).status).toBe(200)
      const audit = await c.get('/auth/admin/audit?type=unlock', c.bearer(root.accessToken))
      expect(audit.body.events[0]).toMatchObject({ type: 'unlock', userId: ann.id, actorId: root.user.id })
    },
  },
  {
    name: 'GET /admin/audit needs audit:read and filters by userId, type, from and to with cursor paging',
    async run(app) {
      const { c, ann } = await team(app)
      app.clock.advance(minute)
      const mia = await c.login(MIA)
      app.clock.advance(minute)
      const annLogin = await c.login(ANN)
      expectError(await c.get('/auth/admin/audit', c.bearer(annLogin.accessToken)), 403, 'FORBIDDEN')
      const all = await c.get('/auth/admin/audit', c.bearer(mia.accessToken))
      expect(all.status).toBe(200)
      expect(Object.keys(all.body.events[0]).sort()).toEqual(
        ['actorId', 'at', 'id', 'ip', 'meta', 'type', 'userAgent', 'userId'].sort(),
      )
      const byUser = await c.get(
        `/auth/admin/audit?userId=${ann.id}&type=login.success`,
        c.bearer(mia.accessToken),
      )
      expect(byUser.body.events).toHaveLength(1)
      const start = new Date(app.clock.now() - minute / 2).toISOString()
      const recent = await c.get(`/auth/admin/audit?from=${start}`, c.bearer(mia.accessToken))
      expect(recent.body.events.map((e: { userId: string }) => e.userId)).toEqual([ann.id])
      const end = new Date(app.clock.now() - minute * 1.5).toISOString()
      const old = await c.get(`/auth/admin/audit?to=${end}&limit=2`, c.bearer(mia.accessToken))
      expect(old.body.events).toHaveLength(2)
      expect(old.body.nextCursor).toEqual(expect.any(String))
      const rest = await c.get(
        `/auth/admin/audit?to=${end}&limit=2&cursor=${encodeURIComponent(old.body.nextCursor)}`,
        c.bearer(mia.accessToken),
      )
      expect(rest.body.events).toHaveLength(1)
      expect(rest.body.nextCursor).toBeNull()
      for (const bad of ['from=yesterday', 'limit=1000', 'type=DROP%20TABLE'])
        expectError(
          await c.get(`/auth/admin/audit?${bad}`, c.bearer(mia.accessToken)),
          400,
          'VALIDATION_FAILED',
        )
    },
  },

  // ---- API keys
  {
    name: 'POST /api-keys: 201 with the key shown once; GET /api-keys lists the prefix, usage, never the key',
    async run(app) {
      const { c, key } = await team(app)
      const ann = await c.login(ANN)
      const created = await createKey(app, ann.accessToken, {
        name: 'deploys',
        scopes: ['reports:read'],
        expiresInDays: 30,
      })
      expect(created.key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/)
      expect(created.apiKey).toEqual({
        id: expect.any(String),
        name: 'deploys',
        prefix: created.key.slice(0, 11),
        scopes: ['reports:read'],
        expiresAt: expect.stringMatching(iso),
        createdAt: expect.stringMatching(iso),
      })
      expect((await key('/auth/me', created.key)).body.user.email).toBe(ANN)
      await app.auth.close() // flushes the batched usage
      const list = await c.get('/auth/api-keys', c.bearer(ann.accessToken))
      expect(list.status).toBe(200)
      expect(list.body.apiKeys).toEqual([
        {
          ...created.apiKey,
          lastUsedAt: expect.stringMatching(iso),
          usageCount: 1,
        },
      ])
      expect(list.text).not.toContain(created.key.slice(11))
    },
  },
  {
    name: 'POST /api-keys validates its body and needs a recent sign-in (403 STEP_UP_REQUIRED)',
    async run(app) {
      const { c, json } = await team(app)
      const ann = await c.login(ANN)
      for (const body of [
        {},
        { name: '' },
        { name: 'x', scopes: ['Not A Scope'] },
        { name: 'x', expiresInDays: 0 },
        { name: 'x', allowedIps: ['not-an-ip'] },
      ])
        expectError(await json('POST', '/auth/api-keys', ann.accessToken, body), 400, 'VALIDATION_FAILED')
      app.clock.advance(11 * minute)
      const refreshed = await c.post('/auth/token/refresh', { refreshToken: ann.refreshToken })
      const stale = await json('POST', '/auth/api-keys', refreshed.body.accessToken, { name: 'x' })
      expectError(stale, 403, 'STEP_UP_REQUIRED')
      expect(stale.body.error.details).toEqual({ maxAgeSeconds: 600 })
      expectError(await c.post('/auth/api-keys', { name: 'x' }), 401, 'UNAUTHENTICATED')
    },
  },
  {
    name: 'an API key authenticates GET /me and guarded host routes only: 401 on other routes, never from the query',
    async run(app) {
      const { c, key } = await team(app)
      const ann = await c.login(ANN)
      const { key: apiKey, apiKey: view } = await createKey(app, ann.accessToken)
      expect((await key('/auth/me', apiKey)).status).toBe(200)
      expect((await key('/api/me', apiKey)).body.userId).toBe(ann.user.id)
      // Valid bodies, so the answer is about the credential (bodies are validated before authentication).
      for (const [method, path, body] of [
        ['GET', '/auth/sessions'],
        ['DELETE', '/auth/sessions'],
        ['GET', '/auth/api-keys'],
        ['POST', '/auth/api-keys', { name: 'more' }],
        ['DELETE', `/auth/api-keys/${view.id}`],
        ['POST', `/auth/api-keys/${view.id}/rotate`],
        ['POST', '/auth/logout'],
        ['POST', '/auth/password/change', { currentPassword: PASSWORD, newPassword: 'N3w-Passw0rd!x' }],
        ['GET', '/auth/activity'],
        ['GET', '/auth/admin/users'],
      ] as const) {
        const res = await app.send({
          method,
          path,
          headers: { 'x-api-key': apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        })
        expectError(res, 401, 'UNAUTHENTICATED')
        expect(res.headers['www-authenticate']).toBe('Bearer')
      }
      for (const query of ['api_key', 'apiKey', 'key', 'x-api-key'])
        expectError(await c.get(`/auth/me?${query}=${apiKey}`), 401, 'UNAUTHENTICATED')
      expectError(await key('/auth/me', `pk_${'x'.repeat(43)}`), 401, 'UNAUTHENTICATED')
      expectError(await key('/api/me', 'garbage'), 401, 'UNAUTHENTICATED')
    },
  },
  {
    name: 'requireScope: 403 for a key without the scope, 200 with it; a signed-in user is not narrowed by scopes',
    async run(app) {
      const { c, key } = await team(app)
      const ann = await c.login(ANN)
      const without = await createKey(app, ann.accessToken, { name: 'a', scopes: ['reports:write'] })
      const withScope = await createKey(app, ann.accessToken, { name: 'b', scopes: ['reports:read'] })
      expectError(await key('/api/reports', without.key), 403, 'FORBIDDEN')
      const ok = await key('/api/reports', withScope.key)
      expect(ok.status).toBe(200)
      expect(ok.body).toEqual({ userId: ann.user.id, via: 'api-key' })
      expect((await c.get('/api/reports', c.bearer(ann.accessToken))).body.via).toBe('access-token')
      expectError(await key('/api/users', withScope.key), 403, 'FORBIDDEN')
    },
  },
  {
    name: 'a key outside its allowedIps is 403 FORBIDDEN',
    async run(app) {
      const { c, key } = await team(app)
      const ann = await c.login(ANN)
      const far = await createKey(app, ann.accessToken, { name: 'far', allowedIps: ['203.0.113.0/24'] })
      const near = await createKey(app, ann.accessToken, { name: 'near', allowedIps: ['127.0.0.0/8', '::1'] })
      expectError(await key('/auth/me', far.key), 403, 'FORBIDDEN')
      expectError(await key('/api/me', far.key), 403, 'FORBIDDEN')
      expect((await key('/auth/me', near.key)).status).toBe(200)
    },
  },
  {
    name: 'DELETE and rotate: the old key stops at once; another user’s key id is 404',
    async run(app) {
      const { c, key } = await team(app)
      await c.user(BOB)
      const ann = await c.login(ANN)
      const bob = await c.login(BOB)
      const one = await createKey(app, ann.accessToken, { name: 'one' })
      const two = await createKey(app, ann.accessToken, { name: 'two' })
      expect((await key('/auth/me', one.key)).status).toBe(200)
      expectError(await c.del(`/auth/api-keys/${one.apiKey.id}`, c.bearer(bob.accessToken)), 404, 'NOT_FOUND')
      expectError(
        await c.post(`/auth/api-keys/${one.apiKey.id}/rotate`, undefined, c.bearer(bob.accessToken)),
        404,
        'NOT_FOUND',
      )
      expectError(await c.del('/auth/api-keys/nope', c.bearer(ann.accessToken)), 404, 'NOT_FOUND')

      const rotated = await c.post(
        `/auth/api-keys/${one.apiKey.id}/rotate`,
        undefined,
        c.bearer(ann.accessToken),
      )
      expect(rotated.status).toBe(200)
      expect(rotated.body.apiKey).toMatchObject({
        id: one.apiKey.id,
        name: 'one',
        prefix: rotated.body.key.slice(0, 11),
      })
      expectError(await key('/auth/me', one.key), 401, 'UNAUTHENTICATED')
      expect((await key('/auth/me', rotated.body.key)).status).toBe(200)

      const del = await c.del(`/auth/api-keys/${two.apiKey.id}`, c.bearer(ann.accessToken))
      expect(del.status).toBe(204)
      expectError(await key('/auth/me', two.key), 401, 'UNAUTHENTICATED')
      expectError(await c.del(`/auth/api-keys/${two.apiKey.id}`, c.bearer(ann.accessToken)), 404, 'NOT_FOUND')
      const list = await c.get('/auth/api-keys', c.bearer(ann.accessToken))
      expect(list.body.apiKeys.map((k: { id: string }) => k.id)).toEqual([one.apiKey.id])
    },
  },
]

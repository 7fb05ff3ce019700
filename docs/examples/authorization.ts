// Type-checked in CI: the snippets of docs/authorization.md.
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { type Auth, createAuth, hasPermission } from 'portcullis'
import { expressAuth } from 'portcullis/express'
import { fastifyAuth } from 'portcullis/fastify'
import { type AuthEnv, honoAuth } from 'portcullis/hono'
import { memoryStore } from 'portcullis/testing'

// Roles and the permissions they grant are config; `*` grants everything.
export const auth = createAuth({
  store: memoryStore(),
  appUrl: 'http://localhost:3000',
  roles: {
    admin: ['*'],
    manager: ['users:read', 'audit:read', 'reports:read'],
    auditor: ['audit:read'],
    employee: ['reports:read'],
  },
  defaultRole: 'employee',
})

export function expressGuards(auth: Auth) {
  const app = express()
  const { router, requireAuth, requireRole, requirePermission, requireScope } = expressAuth(auth)
  app.use('/auth', router)
  app.get('/api/me', requireAuth(), (_req, res) => {
    res.json({ id: res.locals.auth?.userId, via: res.locals.auth?.via })
  })
  app.get('/api/team', requireRole('manager', 'admin'), (_req, res) => {
    res.json([])
  })
  app.get('/api/audit', requirePermission({ anyOf: ['audit:read', 'users:read'] }), (_req, res) => {
    res.json([])
  })
  app.delete('/api/users/:id', requirePermission({ allOf: ['users:read', 'users:write'] }), (_req, res) => {
    res.sendStatus(204)
  })
  // A signed-in user passes; an API key must carry the scope.
  app.get('/api/reports', requirePermission('reports:read'), requireScope('reports:read'), (_req, res) => {
    res.json([])
  })
  return app
}

export async function fastifyGuards(auth: Auth) {
  const app = Fastify()
  await app.register(fastifyAuth(auth), { prefix: '/auth' })
  app.get(
    '/api/audit',
    { onRequest: app.requirePermission({ allOf: ['audit:read', 'users:read'] }) },
    async (request) => ({ by: request.auth?.userId }),
  )
  app.get('/api/reports', { onRequest: app.requireScope('reports:read') }, async () => [])
  return app
}

export function honoGuards(auth: Auth) {
  const app = new Hono<AuthEnv>()
  const { router, requirePermission, requireScope } = honoAuth(auth)
  app.route('/auth', router)
  app.get('/api/audit', requirePermission({ anyOf: ['audit:read'] }), (c) =>
    c.json({ by: c.var.auth.userId }),
  )
  app.get('/api/reports', requireScope('reports:read'), (c) => c.json([]))
  return app
}

// The same check without a framework, for code that already holds a principal.
export async function canExport(auth: Auth, accessToken: string): Promise<boolean> {
  const principal = await auth.authenticate(accessToken)
  return hasPermission(principal.permissions, { allOf: ['reports:read', 'audit:read'] })
}

// Administration from host code: the actor's permissions are checked by the flow itself.
export async function promote(auth: Auth, adminToken: string, userId: string) {
  const admin = await auth.authenticate(adminToken)
  const ctx = { ip: null, userAgent: 'ops-script' }
  const user = await auth.setUserRoles(admin, userId, ['manager'], ctx)
  await auth.unlockUser(admin, userId, ctx)
  return user.roles
}

// Type-checked in CI: the snippets of docs/frameworks/*.md.
import { serve } from '@hono/node-server'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import type { Auth } from 'portcullis'
import { expressAuth } from 'portcullis/express'
import { fastifyAuth, fastifyFrameworkErrors } from 'portcullis/fastify'
import { type AuthEnv, honoAuth } from 'portcullis/hono'

export function withExpress(auth: Auth) {
  const app = express()
  const { router, requireAuth, requireRole, requirePermission, securityHeaders } = expressAuth(auth)
  app.use('/auth', router)
  app.use(securityHeaders()) // the host's own pages: security headers and a CSP nonce
  app.get('/', (_req, res) => {
    res.send(`<script nonce="${res.locals.cspNonce}">console.log('hi')</script>`)
  })
  app.get('/api/me', requireAuth(), (_req, res) => {
    res.json({ id: res.locals.auth.userId, roles: res.locals.auth.roles })
  })
  app.get('/api/reports', requireRole('manager', 'admin'), (_req, res) => {
    res.json([])
  })
  app.get('/api/audit', requirePermission({ anyOf: ['audit:read', 'users:read'] }), (_req, res) => {
    res.json([])
  })
  app.delete('/api/users/:id', requirePermission({ allOf: ['users:read', 'users:write'] }), (_req, res) => {
    res.sendStatus(204)
  })
  return app
}

export async function withFastify(auth: Auth) {
  const app = Fastify({ frameworkErrors: fastifyFrameworkErrors(auth) })
  await app.register(fastifyAuth(auth), { prefix: '/auth' })
  app.get('/api/me', { onRequest: app.requireAuth() }, async (request) => ({ id: request.auth?.userId }))
  app.delete(
    '/api/users/:id',
    { onRequest: app.requirePermission('users:write') },
    async (_request, reply) => {
      reply.code(204)
    },
  )
  return app
}

export function withHono(auth: Auth) {
  const app = new Hono<AuthEnv>()
  const { router, requireAuth, requirePermission } = honoAuth(auth)
  app.route('/auth', router)
  app.get('/api/me', requireAuth(), (c) => c.json({ id: c.var.auth.userId }))
  app.delete('/api/users/:id', requirePermission('users:write'), (c) => c.body(null, 204))
  return serve({ fetch: app.fetch, port: 3000 })
}

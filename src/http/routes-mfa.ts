import { z } from 'zod'
import type { RouteRateLimit } from './rate-limits.js'
import { type Route, route } from './route-def.js'
import { toJson, tokensReply } from './token-reply.js'

// The same length caps as the other routes: they bound hashing and lookup work.
const password = z.string().min(1).max(1024)
const code = z.string().min(1).max(64)
const token = z.string().min(1).max(512)

// The second login step counts in the login limits per IP (its body has no email to key the (IP, email) one).
const loginLimits: RouteRateLimit[] = [
  { rule: 'loginPerIp', by: 'ip' },
  { rule: 'loginPerIpDaily', by: 'ip' },
]

/** Two-factor authentication: the second login step, TOTP, backup codes and trusted devices. */
export const mfaRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/login/mfa',
    auth: 'public',
    schema: z.object({
      mfaToken: token,
      code: code.optional(),
      backupCode: code.optional(),
      trustDevice: z.boolean().optional(),
    }),
    rateLimits: loginLimits,
    handler: async (c) => {
      // A trusted device is a cookie, so only cookie transport asks for one (and only it reads it at /login).
      const trustDevice = c.transport === 'cookie' && c.body.trustDevice === true
      const result = await c.auth.completeMfaLogin({ ...c.body, trustDevice }, c.context)
      const device = result.trustedDevice
      if (device) c.setCookie(c.cookies.device(device.token, device.expiresAt, c.auth.clock.now()))
      return tokensReply(c, result.tokens, { user: toJson(result.tokens.user) })
    },
  }),
  route({
    method: 'GET',
    path: '/mfa',
    auth: 'user',
    handler: async (c) => ({ status: 200, body: toJson(await c.auth.mfaStatus(c.principal)) }),
  }),
  route({
    method: 'POST',
    path: '/mfa/totp/setup',
    auth: 'user',
    handler: async (c) => ({ status: 200, body: toJson(await c.auth.setupTotp(c.principal, c.context)) }),
  }),
  route({
    method: 'POST',
    path: '/mfa/totp/enable',
    auth: 'user',
    schema: z.object({ code }),
    handler: async (c) => ({
      status: 200,
      body: toJson(await c.auth.enableTotp(c.principal, c.body, c.context)),
    }),
  }),
  route({
    method: 'POST',
    path: '/mfa/totp/disable',
    auth: 'user',
    schema: z.object({ password, code }),
    handler: async (c) => {
      await c.auth.disableTotp(c.principal, c.body, c.context)
      return { status: 204, body: null }
    },
  }),
  route({
    method: 'POST',
    path: '/mfa/backup-codes',
    auth: 'user',
    schema: z.object({ password, code }),
    handler: async (c) => ({
      status: 200,
      body: toJson(await c.auth.regenerateBackupCodes(c.principal, c.body, c.context)),
    }),
  }),
  route({
    method: 'DELETE',
    path: '/mfa/trusted-devices/:id',
    auth: 'user',
    handler: async (c) => {
      await c.auth.revokeTrustedDevice(c.principal, c.params.id ?? '', c.context)
      return { status: 204, body: null }
    },
  }),
]

import { z } from 'zod'
import { AuthError } from '../errors.js'
import { oauthErrorFormatter, tokenEndpoint, tokenRequestSchema } from './oauth-token.js'
import type { RouteRateLimit } from './rate-limits.js'
import { route, type Route } from './route-def.js'
import { withCaptcha } from './captcha-guard.js'
import { accountRoutes } from './routes-account.js'
import { activityRoutes } from './routes-activity.js'
import { adminRoutes } from './routes-admin.js'
import { apiKeyRoutes } from './routes-api-keys.js'
import { mfaRoutes } from './routes-mfa.js'
import { oauthRoutes } from './routes-oauth.js'
import { loggedOutReply, loginReply, tokensReply, toJson } from './token-reply.js'

// Length caps bound the work an attacker can cause (hashing, lookups, log lines). The password cap is not the
// policy's maximum: a password between the two is a PASSWORD_POLICY answer, not a validation one.
const email = z.string().trim().min(1).max(254)
const newEmail = z.string().trim().max(254).pipe(z.email())
const password = z.string().min(1).max(1024)
const newPassword = z.string().max(1024)
const token = z.string().min(1).max(512)

// security-defaults.md, Abuse protection. Rules name their settings in `rateLimits`.
const loginLimits: RouteRateLimit[] = [
  { rule: 'loginPerIpEmail', by: 'ip-email' },
  { rule: 'loginPerIp', by: 'ip' },
  { rule: 'loginPerIpDaily', by: 'ip' },
]
const isPasswordGrant = (body: Record<string, unknown>) => body.grant_type === 'password'

/** Every route of the HTTP contract whose flow exists, in one table. */
export const routes: Route[] = [
  route({
    method: 'GET',
    path: '/csrf',
    auth: 'public',
    handler: async (c) => {
      const csrfToken = c.auth.csrf.issue()
      c.setCookie(c.cookies.csrf(csrfToken))
      return { status: 200, body: { csrfToken } }
    },
  }),
  route({
    method: 'GET',
    path: '/password-policy',
    auth: 'public',
    handler: async (c) => ({ status: 200, body: toJson(c.auth.passwordPolicy()) }),
  }),
  route({
    method: 'POST',
    path: '/register',
    auth: 'public',
    schema: z.object({ email: newEmail, password: newPassword, name: z.string().trim().max(200).optional() }),
    rateLimits: [{ rule: 'register', by: 'ip' }],
    handler: withCaptcha('register', async (c) => ({
      status: 202,
      body: await c.auth.register(c.body, c.context),
    })),
  }),
  route({
    method: 'POST',
    path: '/verify-email',
    auth: 'public',
    schema: z.object({ token }),
    rateLimits: [{ rule: 'verify', by: 'ip' }],
    handler: async (c) => ({ status: 200, body: await c.auth.verifyEmail(c.body.token, c.context) }),
  }),
  route({
    method: 'POST',
    path: '/verify-email/resend',
    auth: 'public',
    schema: z.object({ email }),
    rateLimits: [{ rule: 'resend', by: 'ip' }],
    handler: async (c) => ({ status: 202, body: await c.auth.resendVerification(c.body.email, c.context) }),
  }),
  route({
    method: 'POST',
    path: '/login',
    auth: 'public',
    schema: z.object({ email, password, rememberMe: z.boolean().optional() }),
    rateLimits: loginLimits,
    handler: withCaptcha('login', async (c) => {
      // The MFA trusted-device cookie is read only in cookie transport, like every other cookie.
      const trustedDeviceToken = c.transport === 'cookie' ? c.req.cookies[c.cookies.names.device] : undefined
      return loginReply(c, await c.auth.login({ ...c.body, trustedDeviceToken }, c.context))
    }),
  }),
  route({
    method: 'POST',
    path: '/token/refresh',
    auth: 'public',
    schema: z.object({ refreshToken: token.optional() }),
    rateLimits: [{ rule: 'token', by: 'ip' }],
    surface: 'refresh',
    handler: async (c) => {
      // Cookie transport reads only the cookie (its Path limits it to this route); bearer only the body.
      const presented =
        c.transport === 'cookie' ? c.req.cookies[c.cookies.names.refresh] : c.body.refreshToken
      if (presented === undefined && c.transport === 'bearer')
        throw new AuthError('VALIDATION_FAILED', undefined, {
          details: [{ path: 'refreshToken', message: 'Required in bearer transport' }],
        })
      if (presented === undefined || presented === '' || presented.length > 512)
        throw new AuthError('TOKEN_INVALID')
      return tokensReply(c, await c.auth.refresh(presented, c.context), {})
    },
  }),
  route({
    method: 'POST',
    path: '/token',
    auth: 'public',
    body: 'form',
    schema: tokenRequestSchema,
    emailField: 'username',
    rateLimits: [{ rule: 'token', by: 'ip' }, ...loginLimits.map((l) => ({ ...l, when: isPasswordGrant }))],
    formatError: oauthErrorFormatter,
    handler: withCaptcha('login', tokenEndpoint, isPasswordGrant),
  }),
  route({
    method: 'POST',
    path: '/logout',
    auth: 'user',
    handler: async (c) => {
      await c.auth.logout(c.principal, c.context)
      return loggedOutReply(c)
    },
  }),
  route({
    method: 'POST',
    path: '/logout-all',
    auth: 'user',
    handler: async (c) => {
      await c.auth.logoutAll(c.principal, c.context)
      return loggedOutReply(c)
    },
  }),
  route({
    method: 'GET',
    path: '/me',
    auth: 'user',
    apiKey: true,
    handler: async (c) => ({ status: 200, body: { user: toJson(await c.auth.me(c.principal)) } }),
  }),
  route({
    method: 'GET',
    path: '/sessions',
    auth: 'user',
    handler: async (c) => ({
      status: 200,
      body: { sessions: toJson(await c.auth.listSessions(c.principal)) },
    }),
  }),
  route({
    method: 'DELETE',
    path: '/sessions/:id',
    auth: 'user',
    handler: async (c) => {
      await c.auth.revokeSession(c.principal, c.params.id ?? '', c.context)
      return { status: 204, body: null }
    },
  }),
  route({
    method: 'POST',
    path: '/password/forgot',
    auth: 'public',
    schema: z.object({ email }),
    rateLimits: [
      { rule: 'forgotPerIpEmail', by: 'ip-email' },
      { rule: 'forgotPerIpDaily', by: 'ip' },
    ],
    handler: withCaptcha('forgot', async (c) => ({
      status: 202,
      body: await c.auth.requestPasswordReset(c.body.email, c.context),
    })),
  }),
  route({
    method: 'POST',
    path: '/password/reset',
    auth: 'public',
    schema: z.object({ token, password: newPassword }),
    handler: async (c) => ({ status: 200, body: await c.auth.resetPassword(c.body, c.context) }),
  }),
  route({
    method: 'GET',
    path: '/.well-known/jwks.json',
    auth: 'public',
    handler: async (c) => {
      const jwks = c.auth.jwks()
      // Only symmetric keys: there is nothing public to publish.
      if (jwks === null) throw new AuthError('NOT_FOUND')
      return { status: 200, body: toJson(jwks) }
    },
  }),
  ...accountRoutes,
  ...activityRoutes,
  ...adminRoutes,
  ...apiKeyRoutes,
  ...mfaRoutes,
  ...oauthRoutes,
]

import { z } from 'zod'
import { type Route, route } from './route-def.js'
import { toJson, tokensReply } from './token-reply.js'

// The same length caps as the public routes: they bound hashing and lookup work.
const password = z.string().min(1).max(1024)
const newPassword = z.string().max(1024)
const token = z.string().min(1).max(512)
const newEmail = z.string().trim().max(254).pipe(z.email())

/** Account lifecycle for a signed-in user: change password, change email and confirm it. */
export const accountRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/password/change',
    auth: 'user',
    schema: z.object({ currentPassword: password, newPassword, code: z.string().max(32).optional() }),
    handler: async (c) => {
      const tokens = await c.auth.changePassword(c.principal, c.body, c.context)
      return tokensReply(c, tokens, { status: 'password_changed', user: toJson(tokens.user) })
    },
  }),
  route({
    method: 'POST',
    path: '/email/change',
    auth: 'user',
    schema: z.object({ newEmail, password }),
    handler: async (c) => ({
      status: 202,
      body: await c.auth.requestEmailChange(c.principal, c.body, c.context),
    }),
  }),
  route({
    method: 'POST',
    path: '/email/change/confirm',
    auth: 'user',
    schema: z.object({ token }),
    handler: async (c) => ({
      status: 200,
      body: { user: toJson(await c.auth.confirmEmailChange(c.principal, c.body.token, c.context)) },
    }),
  }),
]

import { z } from 'zod'
import { route, type Route } from './route-def.js'
import { toJson } from './token-reply.js'
import { validate } from './validate.js'

const activityQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number')
    .transform(Number)
    .optional(),
  cursor: z.string().min(1).max(128).optional(),
})

/** The signed-in user's own sessions and sign-in history, beside `GET /sessions` and `DELETE /sessions/:id`. */
export const activityRoutes: Route[] = [
  route({
    // An extension of the contract: ends every session but the caller's own ("sign out other devices").
    method: 'DELETE',
    path: '/sessions',
    auth: 'user',
    handler: async (c) => {
      await c.auth.revokeOtherSessions(c.principal, c.context)
      return { status: 204, body: null }
    },
  }),
  route({
    method: 'GET',
    path: '/activity',
    auth: 'user',
    handler: async (c) => {
      const first: Record<string, string> = {}
      for (const [name, value] of c.req.query) if (!(name in first)) first[name] = value
      const page = await c.auth.listActivity(c.principal, validate(activityQuery, first))
      return { status: 200, body: { events: toJson(page.items), nextCursor: page.nextCursor } }
    },
  }),
]

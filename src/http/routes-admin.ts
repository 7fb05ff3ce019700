import { z } from 'zod'
import type { Principal } from '../auth-types.js'
import { AuthError } from '../errors.js'
import { hasPermission } from '../policy/rbac.js'
import type { AuditEventType } from '../types.js'
import { route, type Route } from './route-def.js'
import { toJson } from './token-reply.js'
import type { AuthRequest, Reply } from './types.js'
import { validate } from './validate.js'

// Query strings arrive as text; each parameter is read once (a repeated one counts as its first value).
const limit = z
  .string()
  .regex(/^\d{1,3}$/, 'must be a whole number')
  .transform(Number)
  .optional()
const cursor = z.string().min(1).max(128).optional()
const instant = z.iso.datetime({ offset: true }).optional()

const usersQuery = z.object({ q: z.string().max(254).optional(), limit, cursor })
const auditQuery = z.object({
  userId: z.string().min(1).max(128).optional(),
  type: z
    .string()
    .regex(/^[a-z_.]{1,64}$/, 'must be an audit event type such as login.failure')
    .optional(),
  from: instant,
  to: instant,
  limit,
  cursor,
})

function queryOf<S extends z.ZodType>(schema: S, req: AuthRequest): z.output<S> {
  const first: Record<string, string> = {}
  for (const [name, value] of req.query) if (!(name in first)) first[name] = value
  return validate(schema, first)
}

/** The route's permission, checked before its query is read (the flows check it again). */
function requirePermission(principal: Principal, permission: string): void {
  if (!hasPermission(principal.permissions, permission)) throw new AuthError('FORBIDDEN')
}

const userReply = (user: object): Reply => ({ status: 200, body: { user: toJson(user) } })

/** Administration (http-contract.md, Admin routes): permission-gated, every change audited with its actor. */
export const adminRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/admin/users',
    auth: 'user',
    handler: async (c) => {
      requirePermission(c.principal, 'users:read')
      const page = await c.auth.listUsers(c.principal, queryOf(usersQuery, c.req))
      return { status: 200, body: { users: toJson(page.items), nextCursor: page.nextCursor } }
    },
  }),
  route({
    method: 'PUT',
    path: '/admin/users/:id/roles',
    auth: 'user',
    schema: z.object({ roles: z.array(z.string().min(1).max(64)).max(50) }),
    handler: async (c) =>
      userReply(await c.auth.setUserRoles(c.principal, c.params.id ?? '', c.body.roles, c.context)),
  }),
  route({
    method: 'POST',
    path: '/admin/users/:id/block',
    auth: 'user',
    handler: async (c) => userReply(await c.auth.blockUser(c.principal, c.params.id ?? '', c.context)),
  }),
  route({
    method: 'POST',
    path: '/admin/users/:id/unblock',
    auth: 'user',
    handler: async (c) => userReply(await c.auth.unblockUser(c.principal, c.params.id ?? '', c.context)),
  }),
  route({
    method: 'POST',
    path: '/admin/users/:id/unlock',
    auth: 'user',
    handler: async (c) => userReply(await c.auth.unlockUser(c.principal, c.params.id ?? '', c.context)),
  }),
  route({
    method: 'GET',
    path: '/admin/audit',
    auth: 'user',
    handler: async (c) => {
      requirePermission(c.principal, 'audit:read')
      const { type, ...q } = queryOf(auditQuery, c.req)
      // Unknown types are well-formed filters that match nothing.
      const page = await c.auth.queryAudit({
        ...q,
        ...(type !== undefined ? { type: type as AuditEventType } : {}),
      })
      return { status: 200, body: { events: toJson(page.items), nextCursor: page.nextCursor } }
    },
  }),
]

import type { AdminUserView, Page } from '../auth-types-admin.js'
import type { Principal, RequestContext } from '../auth-types.js'
import { AuthError } from '../errors.js'
import { hasPermission } from '../policy/rbac.js'
import type { Store } from '../ports.js'
import type { AuditEventType, UserPatch, UserRecord } from '../types.js'
import { audit, type Core, type FlowTx, inTransaction, iso, publicUser, requireString } from './core.js'
import { lockoutKey } from './login.js'
import { pageCursor, pageLimit, toPage } from './paging.js'
import { revokeEverySession } from './sessions.js'
import { publishRevocations } from './tokens.js'

/** A user as an administrator sees it. */
export function adminUserView(user: UserRecord): AdminUserView {
  return { ...publicUser(user), status: user.status, updatedAt: iso(user.updatedAt) }
}

/** FORBIDDEN unless the actor's roles grant `permission`: flows check it too, not only the routes. */
function assertPermission(actor: Principal, permission: string): void {
  if (!hasPermission(actor.permissions, permission)) throw new AuthError('FORBIDDEN')
}

async function targetUser(store: Store, userId: string): Promise<UserRecord> {
  const user = await store.findUserById(requireString(userId, 'id', 128))
  if (!user) throw new AuthError('NOT_FOUND')
  return user
}

/** Users matching `q` (a substring of the email or the name), newest first. Needs `users:read`. */
export async function listUsers(
  core: Core,
  actor: Principal,
  query: { q?: string; limit?: number; cursor?: string } = {},
): Promise<Page<AdminUserView>> {
  assertPermission(actor, 'users:read')
  const limit = pageLimit(query.limit, 50, 200)
  const cursor = pageCursor(query.cursor)
  const search = query.q === undefined ? '' : requireString(query.q, 'q', 254).trim()
  const rows = await core.store.listUsers({
    limit: limit + 1,
    ...(search !== '' ? { search } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  })
  return toPage(rows, limit, adminUserView)
}

/** Checks a role list: configured roles only (VALIDATION_FAILED names the unknown ones), duplicates dropped. */
function knownRoles(core: Core, roles: unknown): string[] {
  const fail = (message: string) =>
    new AuthError('VALIDATION_FAILED', undefined, { details: [{ path: 'roles', message }] })
  if (!Array.isArray(roles) || roles.length > 50 || roles.some((r) => typeof r !== 'string'))
    throw fail('must be a list of role names')
  const unknown = roles.filter((r) => !Object.hasOwn(core.settings.roles, r))
  if (unknown.length > 0) throw fail(`unknown roles: ${unknown.slice(0, 10).join(', ')}`)
  return [...new Set(roles as string[])]
}

/**
 * Applies an admin change to a user in one transaction and audits it with the actor. The user's token version
 * rises and is published, so access tokens issued before the change are refused on their next request on every
 * instance; the client refreshes and the new access token carries the user's current roles.
 */
async function changeUser(
  core: Core,
  actor: Principal,
  userId: string,
  ctx: RequestContext,
  change: { patch: UserPatch; type: AuditEventType; meta: (before: UserRecord) => Record<string, unknown> },
  effect?: (tx: FlowTx, user: UserRecord) => Promise<void>,
): Promise<AdminUserView> {
  return inTransaction(core, async (tx) => {
    const before = await targetUser(tx.store, userId)
    const now = core.clock.now()
    const updated = await tx.store.updateUser(before.id, change.patch, now)
    if (!updated) throw new AuthError('NOT_FOUND')
    if (effect) await effect(tx, updated)
    else {
      const version = await tx.store.incrementTokenVersion(updated.id, now)
      await publishRevocations(core, tx, [{ kind: 'user', subject: updated.id, minVersion: version }])
    }
    await audit(core, tx.store, ctx, {
      type: change.type,
      userId: updated.id,
      actorId: actor.userId,
      meta: change.meta(before),
    })
    return adminUserView(updated)
  })
}

/** Replaces a user's roles; effective from the user's next request (see `changeUser`). Needs `users:write`. */
export async function setUserRoles(
  core: Core,
  actor: Principal,
  userId: string,
  roles: unknown,
  ctx: RequestContext,
): Promise<AdminUserView> {
  assertPermission(actor, 'users:write')
  const next = knownRoles(core, roles)
  return changeUser(core, actor, userId, ctx, {
    patch: { roles: next },
    type: 'role.change',
    meta: (before) => ({ from: before.roles, to: next }),
  })
}

/**
 * Blocks a user: sign-in and refresh answer ACCOUNT_DISABLED, and every session ends at once (its access tokens
 * answer as revoked ones). An administrator cannot block their own account (CONFLICT). Needs `users:write`.
 */
export async function blockUser(
  core: Core,
  actor: Principal,
  userId: string,
  ctx: RequestContext,
): Promise<AdminUserView> {
  assertPermission(actor, 'users:write')
  if (userId === actor.userId) throw new AuthError('CONFLICT', 'You cannot block your own account.')
  return changeUser(
    core,
    actor,
    userId,
    ctx,
    { patch: { status: 'blocked' }, type: 'user.block', meta: (before) => ({ from: before.status }) },
    (tx, user) => revokeEverySession(core, tx, user.id, 'blocked'),
  )
}

/** Lifts a block (the user signs in again; old sessions stay ended). Needs `users:write`. */
export async function unblockUser(
  core: Core,
  actor: Principal,
  userId: string,
  ctx: RequestContext,
): Promise<AdminUserView> {
  assertPermission(actor, 'users:write')
  return changeUser(
    core,
    actor,
    userId,
    ctx,
    { patch: { status: 'active' }, type: 'user.unblock', meta: (before) => ({ from: before.status }) },
    async () => {},
  )
}

/** Clears the user's login lockout (the counter keyed on the normalised email). Needs `users:write`. */
export async function unlockUser(
  core: Core,
  actor: Principal,
  userId: string,
  ctx: RequestContext,
): Promise<AdminUserView> {
  assertPermission(actor, 'users:write')
  const user = await targetUser(core.store, userId)
  // The counters may live in another store (Redis): cleared first, then audited.
  await core.rateStore.clearLockout(lockoutKey(user.emailNormalized))
  await audit(core, core.store, ctx, { type: 'unlock', userId: user.id, actorId: actor.userId })
  return adminUserView(user)
}

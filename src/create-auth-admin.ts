import type { AdminAuth } from './auth-types-admin.js'
import { blockUser, listUsers, setUserRoles, unblockUser, unlockUser } from './flows/admin.js'
import { type ApiKeyRuntime, authenticateApiKey } from './flows/api-key-auth.js'
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from './flows/api-keys.js'
import { listActivity, queryAudit } from './flows/audit-log.js'
import type { Core } from './flows/core.js'
import { revokeOtherSessions } from './flows/sessions.js'

/** The audit, administration and API-key members of the `Auth` value, bound to one instance's core. */
export function adminAuth(core: Core, apiKeys: ApiKeyRuntime, ready: () => Promise<void>): AdminAuth {
  return {
    revokeOtherSessions: (p, ctx) => revokeOtherSessions(core, p, ctx),
    queryAudit: (filter) => queryAudit(core, filter),
    listActivity: (p, page) => listActivity(core, p, page),
    listUsers: (actor, query) => listUsers(core, actor, query),
    setUserRoles: (actor, id, roles, ctx) => setUserRoles(core, actor, id, roles, ctx),
    blockUser: (actor, id, ctx) => blockUser(core, actor, id, ctx),
    unblockUser: (actor, id, ctx) => unblockUser(core, actor, id, ctx),
    unlockUser: (actor, id, ctx) => unlockUser(core, actor, id, ctx),
    createApiKey: (p, input, ctx) => createApiKey(core, p, input, ctx),
    listApiKeys: (p) => listApiKeys(core, p),
    revokeApiKey: (p, id, ctx) => revokeApiKey(core, p, id, ctx),
    rotateApiKey: (p, id, ctx) => rotateApiKey(core, p, id, ctx),
    authenticateApiKey: (key, ctx) => authenticateApiKey(core, apiKeys, key, ctx, ready()),
  }
}

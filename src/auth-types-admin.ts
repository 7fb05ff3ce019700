import type { Principal, PublicUser, RequestContext } from './auth-types.js'
import type { AuditEventType, UserStatus } from './types.js'

/** An audit event as the query API and `GET /admin/audit` show it. */
export interface AuditEventView {
  id: string
  type: AuditEventType
  userId: string | null
  actorId: string | null
  ip: string | null
  userAgent: string | null
  /** ISO 8601 UTC with milliseconds. */
  at: string
  meta: Record<string, unknown>
}

/** Filters of `queryAudit`, newest first. */
export interface AuditFilter {
  userId?: string
  /** One type or several; none: every type. */
  type?: AuditEventType | readonly AuditEventType[]
  /** Inclusive bounds: milliseconds since the epoch, a Date, or an ISO 8601 string. */
  from?: number | Date | string
  to?: number | Date | string
  /** 1 to 200; default 50. */
  limit?: number
  /** The `nextCursor` of the previous page. */
  cursor?: string
}

/** One page of a cursor-paginated list; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/** One entry of a user's own sign-in history (`GET /activity`). */
export interface ActivityView {
  type: AuditEventType
  at: string
  ip: string | null
  userAgent: string | null
}

/** A user as an administrator sees it: the public view plus the account's standing. */
export interface AdminUserView extends PublicUser {
  status: UserStatus
  updatedAt: string
}

/** An API key as its owner sees it: never the key itself. */
export interface ApiKeyView {
  id: string
  name: string
  /** The key's first 11 characters. */
  prefix: string
  scopes: string[]
  allowedIps: string[]
  expiresAt: string | null
  lastUsedAt: string | null
  usageCount: number
  createdAt: string
}

/** A freshly created or rotated key: `key` is shown this once and stored only as its SHA-256. */
export interface IssuedApiKey {
  apiKey: ApiKeyView
  key: string
}

/** What `createApiKey` accepts. */
export interface ApiKeyInput {
  name: string
  scopes?: string[]
  expiresInDays?: number
  /** IPv4/IPv6 addresses or CIDR ranges; absent or empty: anywhere. */
  allowedIps?: string[]
}

/** The audit, administration and API-key members of `Auth`. */
export interface AdminAuth {
  /** Revokes every session of the user except the caller's own; returns how many ended. */
  revokeOtherSessions(principal: Principal, ctx: RequestContext): Promise<{ revoked: number }>

  /** Reads the audit log (host-side API: no permission check; `GET /admin/audit` checks `audit:read`). */
  queryAudit(filter?: AuditFilter): Promise<Page<AuditEventView>>
  /** The caller's own sign-in history: logins, failures, lockouts, logouts, revoked sessions. */
  listActivity(principal: Principal, page?: { limit?: number; cursor?: string }): Promise<Page<ActivityView>>

  /** Users matching `q` (email or name), newest first; needs `users:read`. */
  listUsers(
    actor: Principal,
    query?: { q?: string; limit?: number; cursor?: string },
  ): Promise<Page<AdminUserView>>
  /** Replaces a user's roles (all must be configured); their access tokens are refused from the next request. */
  setUserRoles(actor: Principal, userId: string, roles: string[], ctx: RequestContext): Promise<AdminUserView>
  /** Blocks a user: every session ends at once and sign-in is refused with ACCOUNT_DISABLED. */
  blockUser(actor: Principal, userId: string, ctx: RequestContext): Promise<AdminUserView>
  /** Lifts a block. */
  unblockUser(actor: Principal, userId: string, ctx: RequestContext): Promise<AdminUserView>
  /** Clears the user's login lockout. */
  unlockUser(actor: Principal, userId: string, ctx: RequestContext): Promise<AdminUserView>

  /** Creates an API key for the signed-in user; needs a recent sign-in (step-up). */
  createApiKey(principal: Principal, input: ApiKeyInput, ctx: RequestContext): Promise<IssuedApiKey>
  /** The user's keys (never the key itself). */
  listApiKeys(principal: Principal): Promise<ApiKeyView[]>
  /** Deletes a key; it stops working at once on every instance. Another user's id is NOT_FOUND. */
  revokeApiKey(principal: Principal, id: string, ctx: RequestContext): Promise<void>
  /** Replaces a key with a new one; the old one stops working at once. */
  rotateApiKey(principal: Principal, id: string, ctx: RequestContext): Promise<IssuedApiKey>
  /**
   * Resolves an `X-API-Key` to the principal of its user (`via: 'api-key'`); throws UNAUTHENTICATED for an
   * unknown, deleted, rotated-away or expired key, FORBIDDEN outside `allowedIps`, ACCOUNT_DISABLED for a
   * blocked user. Served from a short-lived in-memory cache that revocations invalidate at once.
   */
  authenticateApiKey(key: string, ctx: Pick<RequestContext, 'ip'>): Promise<Principal>
}

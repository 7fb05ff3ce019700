import type { ActivityView, AuditEventView, AuditFilter, Page } from '../auth-types-admin.js'
import type { Principal } from '../auth-types.js'
import { AuthError } from '../errors.js'
import type { AuditEvent, AuditEventType } from '../types.js'
import { type Core, iso } from './core.js'
import { pageCursor, pageLimit, toPage } from './paging.js'

/** The events a user sees as their own sign-in history (`GET /activity`). */
export const activityTypes: readonly AuditEventType[] = [
  'login.success',
  'login.failure',
  'lockout',
  'unlock',
  'logout',
  'logout.all',
  'session.revoke',
  'refresh.reuse',
  'password.change',
  'password.reset',
]

/** An audit event as the query API shows it. */
export function auditEventView(event: AuditEvent): AuditEventView {
  return {
    id: event.id,
    type: event.type,
    userId: event.userId,
    actorId: event.actorId,
    ip: event.ip,
    userAgent: event.userAgent,
    at: iso(event.at),
    meta: event.meta,
  }
}

/** A time bound as milliseconds: a number, a Date or an ISO 8601 string; anything else is VALIDATION_FAILED. */
function instant(value: number | Date | string | undefined, path: string): number | undefined {
  if (value === undefined) return undefined
  const ms =
    typeof value === 'number'
      ? value
      : value instanceof Date
        ? value.getTime()
        : typeof value === 'string' && /^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/.test(value)
          ? Date.parse(value)
          : Number.NaN
  if (!Number.isFinite(ms))
    throw new AuthError('VALIDATION_FAILED', undefined, {
      details: [{ path, message: 'must be an ISO 8601 date-time' }],
    })
  return ms
}

function auditTypes(type: AuditFilter['type']): AuditEventType[] | undefined {
  if (type === undefined) return undefined
  const list: readonly unknown[] = typeof type === 'string' ? [type] : type
  if (list.length > 50 || list.some((t) => typeof t !== 'string' || !/^[a-z_.]{1,64}$/.test(t)))
    throw new AuthError('VALIDATION_FAILED', undefined, {
      details: [{ path: 'type', message: 'must be audit event types such as login.failure' }],
    })
  return [...(list as AuditEventType[])]
}

/** Reads the audit log, newest first, one page at a time. */
export async function queryAudit(core: Core, filter: AuditFilter = {}): Promise<Page<AuditEventView>> {
  const limit = pageLimit(filter.limit, 50, 200)
  const from = instant(filter.from, 'from')
  const to = instant(filter.to, 'to')
  const types = auditTypes(filter.type)
  const cursor = pageCursor(filter.cursor)
  if (filter.userId !== undefined && (typeof filter.userId !== 'string' || filter.userId.length > 128))
    throw new AuthError('VALIDATION_FAILED', undefined, {
      details: [{ path: 'userId', message: 'must be a user id' }],
    })
  const rows = await core.store.listAudit({
    limit: limit + 1,
    ...(filter.userId !== undefined ? { userId: filter.userId } : {}),
    ...(types ? { types } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  })
  return toPage(rows, limit, auditEventView)
}

/** The caller's own sign-in history, newest first. */
export async function listActivity(
  core: Core,
  principal: Principal,
  page: { limit?: number; cursor?: string } = {},
): Promise<Page<ActivityView>> {
  const limit = pageLimit(page.limit, 20, 100)
  const cursor = pageCursor(page.cursor)
  const rows = await core.store.listAudit({
    userId: principal.userId,
    types: [...activityTypes],
    limit: limit + 1,
    ...(cursor !== undefined ? { cursor } : {}),
  })
  return toPage(rows, limit, (e) => ({ type: e.type, at: iso(e.at), ip: e.ip, userAgent: e.userAgent }))
}

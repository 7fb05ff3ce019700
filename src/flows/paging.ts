import { AuthError } from '../errors.js'
import type { Page } from '../auth-types-admin.js'

/** A page size: an integer from 1 to `max`, `fallback` when absent; anything else is VALIDATION_FAILED. */
export function pageLimit(limit: unknown, fallback: number, max: number): number {
  if (limit === undefined) return fallback
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > max)
    throw new AuthError('VALIDATION_FAILED', undefined, {
      details: [{ path: 'limit', message: `must be an integer from 1 to ${max}` }],
    })
  return limit
}

/** A cursor as given back by a previous page: a short opaque string. */
export function pageCursor(cursor: unknown): string | undefined {
  if (cursor === undefined) return undefined
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 128)
    throw new AuthError('VALIDATION_FAILED', undefined, {
      details: [{ path: 'cursor', message: 'must be the nextCursor of a previous page' }],
    })
  return cursor
}

/**
 * Turns `limit + 1` rows (as fetched) into a page of at most `limit`: the extra row only tells that another page
 * exists, whose cursor is the id of this page's last row.
 */
export function toPage<R extends { id: string }, V>(rows: R[], limit: number, view: (row: R) => V): Page<V> {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return { items: items.map(view), nextCursor: rows.length > limit && last ? last.id : null }
}

import { type Kysely, type Selectable, sql } from 'kysely'
import type { RefreshContext, Store } from '../../src/ports.js'
import type { StoreContext } from './context.js'
import { refreshTokenRow, rowMappers, toRefreshToken, toSession, toUser } from './rows.js'
import type { PortcullisDatabase, RefreshTokensTable, SessionsTable, UsersTable } from './schema.js'

/** The session and refresh-token operations. */
export type SessionOps = Pick<
  Store,
  | 'createSession'
  | 'findSession'
  | 'listActiveSessions'
  | 'revokeSession'
  | 'revokeUserSessions'
  | 'findRefreshToken'
  | 'findRefreshContext'
  | 'findRefreshTokenById'
  | 'rotateRefreshToken'
>

/** Session and refresh-token operations on the Kysely store. */
export function sessionOps({ db, dialect, atomic }: StoreContext): SessionOps {
  const rows = rowMappers(dialect)
  return {
    async createSession(session, token) {
      await atomic(async (tx) => {
        await tx.insertInto('pc_sessions').values(rows.sessionRow(session)).execute()
        await tx.insertInto('pc_refresh_tokens').values(refreshTokenRow(token)).execute()
      })
    },
    async findSession(id) {
      const row = await db.selectFrom('pc_sessions').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? toSession(row) : null
    },
    async listActiveSessions(userId, now) {
      const found = await db
        .selectFrom('pc_sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute()
      return found.map(toSession)
    },
    async revokeSession(id, reason, now) {
      // Conditional on `revoked_at IS NULL`: of concurrent revokers only one sees a changed row.
      const result = await db
        .updateTable('pc_sessions')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return result.numUpdatedRows > 0n
    },
    async revokeUserSessions(userId, reason, now, exceptSessionId) {
      return atomic(async (tx) => {
        // Postgres/MySQL: FOR UPDATE locks the rows so the ids returned are exactly those this call revoked.
        // SQLite: Kysely's SqliteDialect runs one transaction at a time on its single connection.
        const found = await tx
          .selectFrom('pc_sessions')
          .select('id')
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .$if(exceptSessionId !== undefined, (q) => q.where('id', '!=', exceptSessionId as string))
          .$if(dialect !== 'sqlite', (q) => q.forUpdate())
          .execute()
        const ids = found.map((r) => r.id)
        if (ids.length === 0) return []
        await tx
          .updateTable('pc_sessions')
          .set({ revoked_at: now, revoked_reason: reason })
          .where('id', 'in', ids)
          .where('revoked_at', 'is', null)
          .execute()
        return ids
      })
    },

    async findRefreshToken(tokenHash) {
      const row = await db
        .selectFrom('pc_refresh_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst()
      return row ? toRefreshToken(row) : null
    },
    ...(dialect === 'postgres'
      ? { findRefreshContext: (hash: string) => findRefreshContextInOneRead(db, hash) }
      : {}),
    async findRefreshTokenById(id) {
      const row = await db.selectFrom('pc_refresh_tokens').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? toRefreshToken(row) : null
    },
    async rotateRefreshToken(rotation) {
      if (dialect === 'postgres') return rotateInOneStatement(db, rotation)
      const { currentId, next, successorSealed, now } = rotation
      return atomic(async (tx) => {
        // Compare-and-set in one statement: the database lets exactly one concurrent caller change the
        // row from 'active'; everyone else matches nothing and inserts nothing.
        const result = await tx
          .updateTable('pc_refresh_tokens')
          .set({
            state: 'rotated',
            rotated_at: now,
            successor_id: next.id,
            successor_sealed: successorSealed,
          })
          .where('id', '=', currentId)
          .where('state', '=', 'active')
          .executeTakeFirst()
        if (result.numUpdatedRows !== 1n) return false
        await tx.insertInto('pc_refresh_tokens').values(refreshTokenRow(next)).execute()
        await tx
          .updateTable('pc_sessions')
          .set({ last_used_at: now })
          .where(
            'id',
            '=',
            tx.selectFrom('pc_refresh_tokens').select('session_id').where('id', '=', currentId),
          )
          .execute()
        return true
      })
    },
  }
}

/**
 * The rotation on Postgres as one statement (data-modifying CTEs), so it costs one round trip instead of five
 * (BEGIN, three statements, COMMIT). Still a compare-and-set: of concurrent callers the row lock lets one
 * UPDATE match `state = 'active'`; the others re-check the committed row, match nothing, and so insert and
 * touch nothing. The statement is atomic on its own, and joins the caller's transaction when `db` is one.
 */
async function rotateInOneStatement(
  db: Kysely<PortcullisDatabase>,
  { currentId, next, successorSealed, now }: Parameters<Store['rotateRefreshToken']>[0],
): Promise<boolean> {
  // Parameters in a SELECT list are typed text unless cast; the millisecond columns are bigint.
  const result = await sql<{ rotated: number }>`
    with rotated as (
      update pc_refresh_tokens
      set state = 'rotated', rotated_at = ${now}, successor_id = ${next.id}, successor_sealed = ${successorSealed}
      where id = ${currentId} and state = 'active'
      returning session_id
    ), inserted as (
      insert into pc_refresh_tokens
        (id, session_id, user_id, token_hash, state, created_at, expires_at, rotated_at, successor_id, successor_sealed)
      select ${next.id}, ${next.sessionId}, ${next.userId}, ${next.tokenHash}, ${next.state},
        ${next.createdAt}::bigint, ${next.expiresAt}::bigint, ${next.rotatedAt}::bigint,
        ${next.successorId}::text, ${next.successorSealed}::text
      from rotated
    ), touched as (
      update pc_sessions set last_used_at = ${now} where id in (select session_id from rotated)
    )
    select count(*)::int as rotated from rotated`.execute(db)
  return result.rows[0]?.rotated === 1
}

/**
 * Postgres: the token, its session and its user in one statement and one round trip instead of two; `row_to_json`
 * keeps the column names, so the row mappers (and any column a migration adds) apply unchanged.
 */
async function findRefreshContextInOneRead(
  db: Kysely<PortcullisDatabase>,
  tokenHash: string,
): Promise<RefreshContext | null> {
  const { rows } = await sql<{
    token_row: Selectable<RefreshTokensTable>
    session_row: Selectable<SessionsTable> | null
    user_row: Selectable<UsersTable> | null
  }>`
    select row_to_json(t) as token_row,
      (select row_to_json(s) from pc_sessions s where s.id = t.session_id) as session_row,
      (select row_to_json(u) from pc_users u where u.id = t.user_id) as user_row
    from pc_refresh_tokens t
    where t.token_hash = ${tokenHash}`.execute(db)
  const row = rows[0]
  if (!row) return null
  return {
    token: toRefreshToken(row.token_row),
    session: row.session_row ? toSession(row.session_row) : null,
    user: row.user_row ? toUser(row.user_row) : null,
  }
}

import type { Store } from '../../src/ports.js'
import type { SessionRecord, UserRecord } from '../../src/types.js'
import { copy, type StateHolder } from './memory-state.js'

/** The account operations: users, sessions, refresh tokens and one-time tokens. */
export type AccountOps = Pick<
  Store,
  | 'createUser'
  | 'findUserById'
  | 'findUserByEmail'
  | 'updateUser'
  | 'incrementTokenVersion'
  | 'createSession'
  | 'findSession'
  | 'listActiveSessions'
  | 'revokeSession'
  | 'revokeUserSessions'
  | 'findRefreshToken'
  | 'findRefreshTokenById'
  | 'rotateRefreshToken'
  | 'createOneTimeToken'
  | 'consumeOneTimeToken'
  | 'findOneTimeToken'
  | 'countOneTimeTokens'
>

const newestFirst = (a: SessionRecord, b: SessionRecord) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

/**
 * Account operations on the state in `holder`, without locking: the caller (the memory store) runs each
 * one under its mutex, so every read-check-write below happens without interleaving.
 */
export function accountOps(holder: StateHolder): AccountOps {
  const s = () => holder.state
  const userById = (id: string): UserRecord | undefined => s().users.get(id)
  return {
    async createUser(user) {
      if (s().userIdByEmail.has(user.emailNormalized)) return false
      if (s().users.has(user.id)) throw new Error(`memory store: duplicate user id ${user.id}`)
      s().users.set(user.id, copy(user))
      s().userIdByEmail.set(user.emailNormalized, user.id)
      return true
    },
    async findUserById(id) {
      return copy(userById(id) ?? null)
    },
    async findUserByEmail(emailNormalized) {
      const id = s().userIdByEmail.get(emailNormalized)
      return copy((id !== undefined && userById(id)) || null)
    },
    async updateUser(id, patch, now) {
      const user = userById(id)
      if (!user) return null
      const next: UserRecord = { ...user, ...copy(patch), updatedAt: now }
      if (next.emailNormalized !== user.emailNormalized) {
        // Mirrors the SQL stores' unique index: the update fails rather than creating a duplicate.
        if (s().userIdByEmail.has(next.emailNormalized)) throw new Error('memory store: email already taken')
        s().userIdByEmail.delete(user.emailNormalized)
        s().userIdByEmail.set(next.emailNormalized, id)
      }
      s().users.set(id, next)
      return copy(next)
    },
    async incrementTokenVersion(userId, now) {
      const user = userById(userId)
      if (!user) throw new Error('memory store: unknown user')
      user.tokenVersion += 1
      user.updatedAt = now
      return user.tokenVersion
    },

    async createSession(session, token) {
      s().sessions.set(session.id, copy(session))
      s().refreshTokens.set(token.id, copy(token))
      s().refreshIdByHash.set(token.tokenHash, token.id)
    },
    async findSession(id) {
      return copy(s().sessions.get(id) ?? null)
    },
    async listActiveSessions(userId, now) {
      const active = [...s().sessions.values()].filter(
        (x) => x.userId === userId && x.revokedAt === null && x.expiresAt > now,
      )
      return copy(active.sort(newestFirst))
    },
    async revokeSession(id, reason, now) {
      const session = s().sessions.get(id)
      if (!session || session.revokedAt !== null) return false
      session.revokedAt = now
      session.revokedReason = reason
      return true
    },
    async revokeUserSessions(userId, reason, now, exceptSessionId) {
      const revoked: string[] = []
      for (const session of s().sessions.values()) {
        if (session.userId !== userId || session.revokedAt !== null || session.id === exceptSessionId)
          continue
        session.revokedAt = now
        session.revokedReason = reason
        revoked.push(session.id)
      }
      return revoked
    },

    async findRefreshToken(tokenHash) {
      const id = s().refreshIdByHash.get(tokenHash)
      return copy((id !== undefined && s().refreshTokens.get(id)) || null)
    },
    async findRefreshTokenById(id) {
      return copy(s().refreshTokens.get(id) ?? null)
    },
    async rotateRefreshToken({ currentId, next, successorSealed, now }) {
      const current = s().refreshTokens.get(currentId)
      // Compare-and-set: only the first caller still sees `active`; the mutex keeps check and write together.
      if (current?.state !== 'active') return false
      current.state = 'rotated'
      current.rotatedAt = now
      current.successorId = next.id
      current.successorSealed = successorSealed
      s().refreshTokens.set(next.id, copy(next))
      s().refreshIdByHash.set(next.tokenHash, next.id)
      const session = s().sessions.get(current.sessionId)
      if (session) session.lastUsedAt = now
      return true
    },

    async createOneTimeToken(token, { replaceExisting }) {
      if (replaceExisting) {
        // Older unconsumed tokens are voided (marked consumed), not deleted, so resend counts still see them.
        for (const other of s().oneTimeTokens.values()) {
          if (other.userId === token.userId && other.kind === token.kind && other.consumedAt === null) {
            other.consumedAt = token.createdAt
          }
        }
      }
      s().oneTimeTokens.set(token.tokenHash, copy(token))
    },
    async consumeOneTimeToken(tokenHash, kind, now) {
      const token = s().oneTimeTokens.get(tokenHash)
      if (!token || token.kind !== kind || token.consumedAt !== null || token.expiresAt <= now) return null
      token.consumedAt = now
      return copy(token)
    },
    async findOneTimeToken(tokenHash) {
      return copy(s().oneTimeTokens.get(tokenHash) ?? null)
    },
    async countOneTimeTokens(userId, kind, since) {
      let count = 0
      for (const t of s().oneTimeTokens.values()) {
        if (t.userId === userId && t.kind === kind && t.createdAt >= since) count++
      }
      return count
    },
  }
}

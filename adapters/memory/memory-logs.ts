import type { Store } from '../../src/ports.js'
import { registerFailure } from '../../src/policy/lockout.js'
import { rateLimitDecision } from '../../src/policy/rate-limit.js'
import type { AuditEvent, AuditQuery, OutboxRecord } from '../../src/types.js'
import { copy, lockoutExpiresAt, type StateHolder } from './memory-state.js'

/** The log-like operations: audit, outbox, revocation feed, counters and purging. */
export type LogOps = Pick<
  Store,
  | 'appendAudit'
  | 'listAudit'
  | 'enqueueMail'
  | 'claimDueMails'
  | 'settleMail'
  | 'listMailsTo'
  | 'appendRevocation'
  | 'listRevocations'
  | 'hitRateLimit'
  | 'getLockout'
  | 'registerLoginFailure'
  | 'clearLockout'
  | 'purgeExpired'
>

const byIdDesc = (a: { id: string }, b: { id: string }) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
const auditOrder = (a: AuditEvent, b: AuditEvent) => b.at - a.at || byIdDesc(a, b)
const mailNewestFirst = (a: OutboxRecord, b: OutboxRecord) => b.createdAt - a.createdAt || byIdDesc(a, b)
const mailDueFirst = (a: OutboxRecord, b: OutboxRecord) =>
  a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt || -byIdDesc(a, b)

function matchesAudit(event: AuditEvent, query: AuditQuery): boolean {
  if (query.userId !== undefined && event.userId !== query.userId) return false
  if (query.types && query.types.length > 0 && !query.types.includes(event.type)) return false
  if (query.from !== undefined && event.at < query.from) return false
  if (query.to !== undefined && event.at > query.to) return false
  return true
}

/** Deletes the entries of `map` whose value matches; returns how many. */
function deleteWhere<K, V>(map: Map<K, V>, expired: (value: V) => boolean): number {
  let count = 0
  for (const [key, value] of map) {
    if (expired(value)) {
      map.delete(key)
      count++
    }
  }
  return count
}

/** Log operations on the state in `holder`, without locking (the memory store serialises them). */
export function logOps(holder: StateHolder): LogOps {
  const s = () => holder.state
  return {
    async appendAudit(event) {
      s().audit.push(copy(event))
    },
    async listAudit(query) {
      let events = s()
        .audit.filter((e) => matchesAudit(e, query))
        .sort(auditOrder)
      if (query.cursor !== undefined) {
        const after = s().audit.find((e) => e.id === query.cursor)
        // An unknown cursor yields an empty page rather than restarting from the newest event.
        if (!after) return []
        events = events.filter((e) => auditOrder(after, e) < 0)
      }
      return copy(events.slice(0, query.limit))
    },

    async enqueueMail(mail) {
      s().outbox.set(mail.id, copy(mail))
    },
    async claimDueMails(now, limit, leaseMs) {
      const due = [...s().outbox.values()]
        .filter((m) => m.status === 'pending' && m.nextAttemptAt <= now)
        .sort(mailDueFirst)
        .slice(0, limit)
      for (const mail of due) mail.nextAttemptAt = now + leaseMs
      return copy(due)
    },
    async settleMail(id, outcome, now) {
      const mail = s().outbox.get(id)
      if (!mail) return
      mail.status = outcome.status
      mail.attempts = outcome.attempts
      mail.nextAttemptAt = outcome.nextAttemptAt
      mail.lastError = outcome.error
      if (outcome.status === 'sent') mail.sentAt = now
    },
    async listMailsTo(toNormalized, limit) {
      const mails = [...s().outbox.values()].filter((m) => m.toNormalized === toNormalized)
      return copy(mails.sort(mailNewestFirst).slice(0, limit))
    },

    async appendRevocation(revocation) {
      s().lastSeq += 1
      s().revocations.push({ ...copy(revocation), seq: s().lastSeq })
    },
    async listRevocations(afterSeq, now) {
      return copy(s().revocations.filter((r) => r.seq > afterSeq && r.expiresAt > now))
    },

    async hitRateLimit(key, rule, now) {
      const { decision, hits } = rateLimitDecision(s().rateLogs.get(key)?.hits ?? [], rule, now)
      // The log matters until its newest hit leaves the window (`hits` is sorted).
      s().rateLogs.set(key, { hits, expiresAt: (hits.at(-1) ?? now) + rule.windowMs })
      return decision
    },
    async getLockout(key) {
      return copy(s().lockouts.get(key)?.state)
    },
    async registerLoginFailure(key, settings, now) {
      const result = registerFailure(s().lockouts.get(key)?.state, settings, now)
      s().lockouts.set(key, {
        state: copy(result.state),
        expiresAt: lockoutExpiresAt(result.state, settings),
      })
      return copy(result)
    },
    async clearLockout(key) {
      s().lockouts.delete(key)
    },

    async purgeExpired({ now, auditBefore, sealedBefore, mailBefore }) {
      const state = s()
      const sessions = deleteWhere(state.sessions, (x) => x.expiresAt <= now)
      const refreshTokens = deleteWhere(state.refreshTokens, (t) => {
        const gone = t.expiresAt <= now || !state.sessions.has(t.sessionId)
        if (gone) state.refreshIdByHash.delete(t.tokenHash)
        return gone
      })
      let sealedSuccessors = 0
      for (const t of state.refreshTokens.values()) {
        if (t.successorSealed !== null && t.rotatedAt !== null && t.rotatedAt < sealedBefore) {
          t.successorSealed = null
          sealedSuccessors++
        }
      }
      const auditKept = state.audit.filter((e) => e.at >= auditBefore)
      const revocationsKept = state.revocations.filter((r) => r.expiresAt > now)
      const counts = {
        sessions,
        refreshTokens,
        sealedSuccessors,
        oneTimeTokens: deleteWhere(state.oneTimeTokens, (t) => t.expiresAt <= now),
        revocations: state.revocations.length - revocationsKept.length,
        rateLogs: deleteWhere(state.rateLogs, (r) => r.expiresAt <= now),
        lockouts: deleteWhere(state.lockouts, (r) => r.expiresAt <= now),
        trustedDevices: deleteWhere(state.trustedDevices, (d) => d.expiresAt <= now),
        audit: state.audit.length - auditKept.length,
        mails:
          mailBefore === undefined
            ? 0
            : deleteWhere(state.outbox, (m) => m.status !== 'pending' && m.createdAt < mailBefore),
      }
      state.audit = auditKept
      state.revocations = revocationsKept
      return counts
    },
  }
}

import type { Store } from '../../src/ports.js'
import type { StoreContext } from './context.js'
import { auditRow, num, outboxRow, toAuditEvent, toOutbox, toRevocation } from './rows.js'

/** The audit, outbox and revocation-feed operations. */
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
>

/** Audit, outbox and revocation-feed operations on the Kysely store. */
export function logOps({ db, dialect, atomic }: StoreContext): LogOps {
  return {
    async appendAudit(event) {
      await db.insertInto('pc_audit_events').values(auditRow(event)).execute()
    },
    async listAudit(query) {
      let after: { at: number; id: string } | undefined
      if (query.cursor !== undefined) {
        const row = await db
          .selectFrom('pc_audit_events')
          .select('at')
          .where('id', '=', query.cursor)
          .executeTakeFirst()
        // An unknown cursor yields an empty page rather than restarting from the newest event.
        if (!row) return []
        after = { at: num(row.at), id: query.cursor }
      }
      const found = await db
        .selectFrom('pc_audit_events')
        .selectAll()
        .$if(query.userId !== undefined, (q) => q.where('user_id', '=', query.userId as string))
        .$if((query.types?.length ?? 0) > 0, (q) => q.where('type', 'in', query.types ?? []))
        .$if(query.from !== undefined, (q) => q.where('at', '>=', query.from as number))
        .$if(query.to !== undefined, (q) => q.where('at', '<=', query.to as number))
        .$if(after !== undefined, (q) =>
          q.where((eb) => {
            const { at, id } = after as { at: number; id: string }
            return eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])])
          }),
        )
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit)
        .execute()
      return found.map(toAuditEvent)
    },

    async enqueueMail(mail) {
      await db.insertInto('pc_outbox').values(outboxRow(mail)).execute()
    },
    async claimDueMails(now, limit, leaseMs) {
      return atomic(async (tx) => {
        // Postgres/MySQL: FOR UPDATE SKIP LOCKED hands each due row to one claimer; concurrent workers take
        // the next rows instead of waiting. SQLite: one transaction at a time on Kysely's single connection.
        const due = await tx
          .selectFrom('pc_outbox')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .orderBy('created_at')
          .orderBy('id')
          .limit(limit)
          .$if(dialect !== 'sqlite', (q) => q.forUpdate().skipLocked())
          .execute()
        const ids = due.map((r) => r.id)
        if (ids.length === 0) return []
        await tx
          .updateTable('pc_outbox')
          .set({ next_attempt_at: now + leaseMs })
          .where('id', 'in', ids)
          .execute()
        const claimed = await tx
          .selectFrom('pc_outbox')
          .selectAll()
          .where('id', 'in', ids)
          .orderBy('next_attempt_at')
          .orderBy('created_at')
          .orderBy('id')
          .execute()
        return claimed.map(toOutbox)
      })
    },
    async settleMail(id, outcome, now) {
      await db
        .updateTable('pc_outbox')
        .set({
          status: outcome.status,
          attempts: outcome.attempts,
          next_attempt_at: outcome.nextAttemptAt,
          last_error: outcome.error,
          ...(outcome.status === 'sent' ? { sent_at: now } : {}),
        })
        .where('id', '=', id)
        .execute()
    },
    async listMailsTo(toNormalized, limit) {
      const found = await db
        .selectFrom('pc_outbox')
        .selectAll()
        .where('to_normalized', '=', toNormalized)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute()
      return found.map(toOutbox)
    },

    async appendRevocation(r) {
      await db
        .insertInto('pc_revocations')
        .values({
          kind: r.kind,
          subject: r.subject,
          min_version: r.minVersion,
          expires_at: r.expiresAt,
          created_at: r.createdAt,
        })
        .execute()
    },
    async listRevocations(afterSeq, now) {
      const found = await db
        .selectFrom('pc_revocations')
        .selectAll()
        .where('seq', '>', afterSeq)
        .where('expires_at', '>', now)
        .orderBy('seq')
        .execute()
      return found.map(toRevocation)
    },
  }
}

import type { Store } from '../../src/ports.js'
import type { StoreContext } from './context.js'

/**
 * Deletes what has expired, one statement per table. Each statement is idempotent, so several instances
 * may purge at once; no transaction, so no long-held locks.
 */
export function purgeOps({ db }: StoreContext): Pick<Store, 'purgeExpired'> {
  return {
    async purgeExpired({ now, auditBefore, sealedBefore, mailBefore }) {
      const count = (result: { numDeletedRows?: bigint; numUpdatedRows?: bigint }) =>
        Number(result.numDeletedRows ?? result.numUpdatedRows ?? 0n)
      // Tokens before their sessions, so the counts are not hidden by the foreign key's cascade.
      const refreshTokens = await db
        .deleteFrom('pc_refresh_tokens')
        .where((eb) =>
          eb.or([
            eb('expires_at', '<=', now),
            eb('session_id', 'in', eb.selectFrom('pc_sessions').select('id').where('expires_at', '<=', now)),
          ]),
        )
        .executeTakeFirst()
      const sessions = await db.deleteFrom('pc_sessions').where('expires_at', '<=', now).executeTakeFirst()
      // The sealed successor only serves the replay grace window; after it, drop the ciphertext.
      const sealed = await db
        .updateTable('pc_refresh_tokens')
        .set({ successor_sealed: null })
        .where('successor_sealed', 'is not', null)
        .where('rotated_at', '<', sealedBefore)
        .executeTakeFirst()
      const expired = (
        table:
          | 'pc_one_time_tokens'
          | 'pc_revocations'
          | 'pc_rate_logs'
          | 'pc_lockouts'
          | 'pc_trusted_devices',
      ) => db.deleteFrom(table).where('expires_at', '<=', now).executeTakeFirst()
      return {
        sessions: count(sessions),
        refreshTokens: count(refreshTokens),
        sealedSuccessors: count(sealed),
        oneTimeTokens: count(await expired('pc_one_time_tokens')),
        revocations: count(await expired('pc_revocations')),
        rateLogs: count(await expired('pc_rate_logs')),
        lockouts: count(await expired('pc_lockouts')),
        trustedDevices: count(await expired('pc_trusted_devices')),
        audit: count(await db.deleteFrom('pc_audit_events').where('at', '<', auditBefore).executeTakeFirst()),
        mails:
          mailBefore === undefined
            ? 0
            : count(
                await db
                  .deleteFrom('pc_outbox')
                  .where('status', 'in', ['sent', 'dead'])
                  .where('created_at', '<', mailBefore)
                  .executeTakeFirst(),
              ),
      }
    },
  }
}

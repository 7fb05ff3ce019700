import type { Store } from '../../src/ports.js'
import type { StoreContext } from './context.js'
import { num, oneTimeTokenRow, toOneTimeToken } from './rows.js'

/** The one-time token operations. */
export type OneTimeOps = Pick<
  Store,
  'createOneTimeToken' | 'consumeOneTimeToken' | 'findOneTimeToken' | 'countOneTimeTokens'
>

/** One-time token operations on the Kysely store. */
export function oneTimeOps({ db, atomic }: StoreContext): OneTimeOps {
  const find = (tokenHash: string, on = db) =>
    on.selectFrom('pc_one_time_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
  return {
    async createOneTimeToken(token, { replaceExisting }) {
      await atomic(async (tx) => {
        if (replaceExisting) {
          // Voided (marked consumed) rather than deleted, so resend throttling still counts them.
          await tx
            .updateTable('pc_one_time_tokens')
            .set({ consumed_at: token.createdAt })
            .where('user_id', '=', token.userId)
            .where('kind', '=', token.kind)
            .where('consumed_at', 'is', null)
            .execute()
        }
        await tx.insertInto('pc_one_time_tokens').values(oneTimeTokenRow(token)).execute()
      })
    },
    async consumeOneTimeToken(tokenHash, kind, now) {
      return atomic(async (tx) => {
        // One conditional UPDATE is the whole check: of concurrent consumers exactly one changes the row.
        const result = await tx
          .updateTable('pc_one_time_tokens')
          .set({ consumed_at: now })
          .where('token_hash', '=', tokenHash)
          .where('kind', '=', kind)
          .where('consumed_at', 'is', null)
          .where('expires_at', '>', now)
          .executeTakeFirst()
        if (result.numUpdatedRows !== 1n) return null
        const row = await find(tokenHash, tx)
        return row ? toOneTimeToken(row) : null
      })
    },
    async findOneTimeToken(tokenHash) {
      const row = await find(tokenHash)
      return row ? toOneTimeToken(row) : null
    },
    async countOneTimeTokens(userId, kind, since) {
      const row = await db
        .selectFrom('pc_one_time_tokens')
        .select((eb) => eb.fn.countAll().as('count'))
        .where('user_id', '=', userId)
        .where('kind', '=', kind)
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow()
      return num(row.count as number | string | bigint)
    },
  }
}

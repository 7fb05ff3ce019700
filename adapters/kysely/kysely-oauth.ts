import type { Selectable } from 'kysely'
import type { OAuthStore } from '../../src/ports-oauth.js'
import type { IdentityRecord } from '../../src/types.js'
import type { StoreContext } from './context.js'
import { boolValue } from './dialect.js'
import { num } from './rows.js'
import type { IdentitiesTable } from './schema.js'

const toIdentity = (r: Selectable<IdentitiesTable>): IdentityRecord => ({
  id: r.id,
  userId: r.user_id,
  provider: r.provider,
  subject: r.subject,
  email: r.email,
  emailVerified: r.email_verified === true || r.email_verified === 1,
  createdAt: num(r.created_at),
  lastUsedAt: num(r.last_used_at),
})

/**
 * Linked-identity operations on the Kysely store. Linking is one insert-or-nothing against two unique indexes;
 * unlinking locks the user's row first, so concurrent unlinks of one user count the identities one at a time.
 */
export function oauthOps({ db, dialect, atomic }: StoreContext): OAuthStore {
  const bool = (value: boolean) => boolValue(dialect, value)
  return {
    async linkIdentity(identity) {
      const insert = db.insertInto('pc_identities').values({
        id: identity.id,
        user_id: identity.userId,
        provider: identity.provider,
        subject: identity.subject,
        email: identity.email,
        email_verified: bool(identity.emailVerified),
        created_at: identity.createdAt,
        last_used_at: identity.lastUsedAt,
      })
      // A conflict must not raise: a failed statement aborts a whole Postgres transaction, and the flow links
      // inside the one that creates the user. Either unique index may refuse the row.
      const result = await (dialect === 'postgres'
        ? insert.onConflict((oc) => oc.doNothing())
        : insert.ignore()
      ).executeTakeFirst()
      if (result.numInsertedOrUpdatedRows === 1n) return 'linked'
      // Only naming the refusal reads afterwards; the unique indexes already decided.
      const taken = await db
        .selectFrom('pc_identities')
        .select('id')
        .where('provider', '=', identity.provider)
        .where('subject', '=', identity.subject)
        .executeTakeFirst()
      return taken ? 'identity-taken' : 'provider-taken'
    },
    async findIdentity(provider, subject) {
      const row = await db
        .selectFrom('pc_identities')
        .selectAll()
        .where('provider', '=', provider)
        .where('subject', '=', subject)
        .executeTakeFirst()
      return row ? toIdentity(row) : null
    },
    async listIdentities(userId) {
      const rows = await db
        .selectFrom('pc_identities')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute()
      return rows.map(toIdentity)
    },
    async recordIdentitySignIn(id, input) {
      await db
        .updateTable('pc_identities')
        .set({ email: input.email, email_verified: bool(input.emailVerified), last_used_at: input.now })
        .where('id', '=', id)
        .execute()
    },
    async unlinkIdentity(userId, provider) {
      return atomic(async (tx) => {
        // The user's row lock serialises unlinks of one user (SQLite has one writer anyway), so the count
        // below cannot be stale when the delete runs.
        const user = await tx
          .selectFrom('pc_users')
          .select('password_hash')
          .where('id', '=', userId)
          .$if(dialect !== 'sqlite', (q) => q.forUpdate())
          .executeTakeFirst()
        const identities = await tx
          .selectFrom('pc_identities')
          .select(['id', 'provider'])
          .where('user_id', '=', userId)
          .execute()
        const target = identities.find((i) => i.provider === provider)
        if (!target) return 'not-found'
        if ((user?.password_hash ?? null) === null && identities.length <= 1) return 'last-method'
        await tx.deleteFrom('pc_identities').where('id', '=', target.id).execute()
        return 'unlinked'
      })
    },
  }
}

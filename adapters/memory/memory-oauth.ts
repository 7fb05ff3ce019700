import type { OAuthStore } from '../../src/ports-oauth.js'
import type { IdentityRecord } from '../../src/types.js'
import { copy, type StateHolder } from './memory-state.js'

const oldestFirst = (a: IdentityRecord, b: IdentityRecord) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * Linked-identity operations on the state in `holder`, without locking: the memory store runs each one under
 * its mutex, so the uniqueness checks and the last-method check below happen without interleaving.
 */
export function oauthOps(holder: StateHolder): OAuthStore {
  const s = () => holder.state
  const all = () => [...s().identities.values()]
  const ofUser = (userId: string) => all().filter((i) => i.userId === userId)
  return {
    async linkIdentity(identity) {
      if (all().some((i) => i.provider === identity.provider && i.subject === identity.subject))
        return 'identity-taken'
      if (ofUser(identity.userId).some((i) => i.provider === identity.provider)) return 'provider-taken'
      if (s().identities.has(identity.id))
        throw new Error(`memory store: duplicate identity id ${identity.id}`)
      s().identities.set(identity.id, copy(identity))
      return 'linked'
    },
    async findIdentity(provider, subject) {
      return copy(all().find((i) => i.provider === provider && i.subject === subject) ?? null)
    },
    async listIdentities(userId) {
      return copy(ofUser(userId).sort(oldestFirst))
    },
    async recordIdentitySignIn(id, input) {
      const identity = s().identities.get(id)
      if (!identity) return
      identity.email = input.email
      identity.emailVerified = input.emailVerified
      identity.lastUsedAt = input.now
    },
    async unlinkIdentity(userId, provider) {
      const mine = ofUser(userId)
      const target = mine.find((i) => i.provider === provider)
      if (!target) return 'not-found'
      const hasPassword = (s().users.get(userId)?.passwordHash ?? null) !== null
      if (!hasPassword && mine.length <= 1) return 'last-method'
      s().identities.delete(target.id)
      return 'unlinked'
    },
  }
}

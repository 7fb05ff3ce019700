import type { AdminStore } from '../../src/ports-admin.js'
import type { UserRecord } from '../../src/types.js'
import { copy, type StateHolder } from './memory-state.js'

const newestUserFirst = (a: UserRecord, b: UserRecord) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

function matchesSearch(user: UserRecord, search: string | undefined): boolean {
  if (search === undefined || search === '') return true
  const needle = search.toLowerCase()
  return user.emailNormalized.includes(needle) || (user.name?.toLowerCase().includes(needle) ?? false)
}

/**
 * Admin, API-key and known-device operations on the state in `holder`, without locking: the memory store
 * runs each one under its mutex, so every check-then-write below is atomic.
 */
export function adminOps(holder: StateHolder): AdminStore {
  const s = () => holder.state
  return {
    async listUsers(query) {
      let users = [...s().users.values()].filter((u) => matchesSearch(u, query.search)).sort(newestUserFirst)
      if (query.cursor !== undefined) {
        const after = s().users.get(query.cursor)
        // An unknown cursor yields an empty page rather than restarting from the newest user.
        if (!after) return []
        users = users.filter((u) => newestUserFirst(after, u) < 0)
      }
      return copy(users.slice(0, query.limit))
    },

    async createApiKey(key) {
      if (s().apiKeyIdByHash.has(key.keyHash)) throw new Error('memory store: duplicate API key hash')
      if (s().apiKeys.has(key.id)) throw new Error(`memory store: duplicate API key id ${key.id}`)
      s().apiKeys.set(key.id, copy(key))
      s().apiKeyIdByHash.set(key.keyHash, key.id)
    },
    async findApiKeyByHash(keyHash) {
      const id = s().apiKeyIdByHash.get(keyHash)
      return copy((id !== undefined && s().apiKeys.get(id)) || null)
    },
    async findApiKey(id) {
      return copy(s().apiKeys.get(id) ?? null)
    },
    async listApiKeys(userId) {
      const keys = [...s().apiKeys.values()].filter((k) => k.userId === userId && k.revokedAt === null)
      return copy(keys.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)))
    },
    async revokeApiKey(userId, id, now) {
      const key = s().apiKeys.get(id)
      if (!key || key.userId !== userId || key.revokedAt !== null) return false
      key.revokedAt = now
      return true
    },
    async rotateApiKey({ userId, id, currentHash, nextHash, nextPrefix, now }) {
      const key = s().apiKeys.get(id)
      // Compare-and-set on the hash: of racing rotations of one key only the first still sees `currentHash`.
      if (!key || key.userId !== userId || key.revokedAt !== null || key.keyHash !== currentHash) return null
      if (s().apiKeyIdByHash.has(nextHash)) throw new Error('memory store: duplicate API key hash')
      s().apiKeyIdByHash.delete(key.keyHash)
      s().apiKeyIdByHash.set(nextHash, id)
      key.keyHash = nextHash
      key.prefix = nextPrefix
      key.rotatedAt = now
      return copy(key)
    },
    async recordApiKeyUsage(batch) {
      for (const use of batch) {
        const key = s().apiKeys.get(use.id)
        if (!key) continue
        key.usageCount += use.count
        key.lastUsedAt = Math.max(key.lastUsedAt ?? use.lastUsedAt, use.lastUsedAt)
      }
    },

    async recordDeviceSighting(userId, fingerprint, now) {
      let devices = s().knownDevices.get(userId)
      const seen = devices?.get(fingerprint)
      if (seen) {
        seen.lastSeenAt = Math.max(seen.lastSeenAt, now)
        return 'known'
      }
      if (!devices) {
        devices = new Map()
        s().knownDevices.set(userId, devices)
      }
      devices.set(fingerprint, { firstSeenAt: now, lastSeenAt: now })
      return devices.size === 1 ? 'first' : 'new'
    },
  }
}

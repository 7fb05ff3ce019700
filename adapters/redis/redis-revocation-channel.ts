import type { RevocationChannel } from '../../src/ports.js'
import type { RevocationRecord } from '../../src/types.js'
import type { RedisClientLike } from './client.js'

/** Options of `redisRevocationChannel`. */
export interface RedisRevocationChannelOptions {
  /** The pub/sub channel; every instance of one app must use the same. Default `portcullis:revocations`. */
  channel?: string
}

type Announced = Omit<RevocationRecord, 'seq'>

function isRecord(value: unknown): value is Announced {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return (
    typeof r.kind === 'string' &&
    typeof r.subject === 'string' &&
    (r.minVersion === null || typeof r.minVersion === 'number') &&
    typeof r.expiresAt === 'number' &&
    typeof r.createdAt === 'number'
  )
}

/** The records of one message; anything malformed is dropped rather than thrown into Redis' event loop. */
function parseMessage(message: string): Announced[] {
  try {
    const value: unknown = JSON.parse(message)
    return Array.isArray(value) ? value.filter(isRecord) : []
  } catch {
    return []
  }
}

/**
 * Announces revocations to every instance at once over Redis pub/sub
 * (`createAuth({ ..., revocationChannel: redisRevocationChannel(redis) })`). Publishing uses `client`;
 * each subscription opens its own connection (`client.duplicate()`), closed when it unsubscribes. Pub/sub
 * delivers at most once: a message sent while an instance is disconnected is lost to it, and the store's
 * feed, polled every `revocation.pollIntervalMs`, catches it up.
 */
export function redisRevocationChannel(
  client: RedisClientLike,
  options: RedisRevocationChannelOptions = {},
): RevocationChannel {
  const channel = options.channel ?? 'portcullis:revocations'
  return {
    async publish(revocations) {
      if (revocations.length === 0) return
      await client.publish(channel, JSON.stringify(revocations))
    },
    async subscribe(listener) {
      const subscriber = client.duplicate()
      subscriber.on('message', (from, message) => {
        if (from !== channel) return
        const records = parseMessage(message)
        if (records.length > 0) listener(records)
      })
      try {
        // Resolves once Redis has confirmed the subscription: from then on no announcement is missed.
        await subscriber.subscribe(channel)
      } catch (error) {
        await subscriber.quit().catch(() => undefined)
        throw error
      }
      return async () => {
        await subscriber.quit()
      }
    },
  }
}

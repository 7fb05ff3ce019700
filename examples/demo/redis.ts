import type { RateStore } from '../../src/index.js'
import type { RevocationChannel } from '../../src/ports.js'
import { DemoEnvError } from './env.js'

/** What `REDIS_URL` adds: shared counters, instant revocations, and the connection to close at the end. */
export interface DemoRedis {
  rateStore: RateStore
  revocationChannel: RevocationChannel
  describe: string
  close(): Promise<void>
}

/**
 * Connects to `REDIS_URL` (ioredis): rate limits and lockout counters live there, shared by every demo process,
 * and revocations reach them all at once over pub/sub. Refuses to start when Redis does not answer, rather than
 * queueing every login behind a connection that is not there.
 */
export async function openDemoRedis(url: string, prefix: string): Promise<DemoRedis> {
  const [{ Redis }, { redisRateStore, redisRevocationChannel }] = await Promise.all([
    import('ioredis'),
    import('../../adapters/redis/index.js'),
  ])
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 })
  let lastError: Error | undefined
  // ioredis reconnects by itself; say why while it does (its default is an "Unhandled error event" dump).
  client.on('error', (error: Error) => {
    if (lastError?.message !== error.message) process.stderr.write(`demo: redis: ${error.message}\n`)
    lastError = error
  })
  try {
    await client.connect()
  } catch (error) {
    client.disconnect()
    throw new DemoEnvError(`REDIS_URL: cannot connect (${(lastError ?? (error as Error)).message})`)
  }
  lastError = undefined
  return {
    rateStore: redisRateStore(client, { prefix }),
    revocationChannel: redisRevocationChannel(client, { channel: `${prefix}revocations` }),
    describe: `Redis ${client.options.host}:${client.options.port} (prefix ${prefix})`,
    close: async () => {
      await client.quit()
    },
  }
}

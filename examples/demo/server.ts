// The demo server (`npm run demo`): portcullis on Express with SQLite, a few pages that use the auth routes
// as a browser app would, and /dev/mail to read the mails in development. Knobs: http-contract.md, "The demo
// server".
import { once } from 'node:events'
import type { Server } from 'node:http'
import { type Auth, ConfigError, createAuth, isAuthError, type Store } from '../../src/index.js'
import { demoApp } from './app.js'
import { demoAuthConfig, undeliveredMailer } from './auth-config.js'
import { loadOrCreateDevKeys } from './dev-keys.js'
import { DemoEnvError, readDemoEnv } from './env.js'
import { type DemoRedis, openDemoRedis } from './redis.js'
import { openDemoStore } from './store.js'

const log = (line: string) => process.stdout.write(`demo: ${line}\n`)

async function main(): Promise<void> {
  const env = readDemoEnv()
  const { store, describe } = openDemoStore(env.databaseUrl, env.dataDir)
  const redis = env.redisUrl === undefined ? undefined : await openDemoRedis(env.redisUrl, env.redisKeyPrefix)
  // Without AUTH_KEYS, development shares one ring on disk; production must be given one (createAuth says so).
  const keys = env.authKeys ?? (env.production ? undefined : await loadOrCreateDevKeys(env.dataDir))
  const mailer = env.production ? { mailer: undeliveredMailer() } : {}
  const counters = redis ? { rateStore: redis.rateStore, revocationChannel: redis.revocationChannel } : {}
  const auth = createAuth(await demoAuthConfig(env, keys, { store, ...mailer, ...counters }))
  await auth.migrate()
  log(
    `store: ${describe}${redis ? `; counters and revocations: ${redis.describe}` : ''}${env.authKeys === undefined && keys !== undefined ? `; keys: ${env.dataDir}/keys` : ''}`,
  )

  if (env.admin !== undefined) {
    const admin = await auth.provisionUser({ ...env.admin, roles: ['admin'], verified: true })
    log(`admin account ready: ${admin.email}`)
  }
  auth.outbox.start(1000)

  const development = !(auth.settings.production ?? env.production)
  const app = demoApp(auth, { development })
  const server = env.host === undefined ? app.listen(env.port) : app.listen(env.port, env.host)
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error)),
  ])
  log(`listening on ${env.appUrl}${development ? ` (mails: ${env.appUrl}/dev/mail?to=…)` : ''}`)
  stopOnSignals(server, auth, store, redis)
}

/** SIGINT/SIGTERM: stop accepting requests, stop the outbox and revocation polling, close the database and Redis. */
function stopOnSignals(server: Server, auth: Auth, store: Store, redis: DemoRedis | undefined): void {
  let stopping = false
  const stop = async (signal: string) => {
    // npm, tsx and node share the terminal's process group, and tsx relays signals too: expect repeats.
    if (stopping) return
    stopping = true
    log(`${signal}: shutting down`)
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    // Give requests in flight a moment, then cut the remaining keep-alive connections.
    const cut = setTimeout(() => server.closeAllConnections(), 3000)
    await closed
    clearTimeout(cut)
    await auth.close()
    await store.close?.()
    await redis?.close()
    // Let the process end by itself rather than process.exit(): the SQLite driver finishes closing (and
    // checkpoints its WAL) after close() resolves. The unref'd timer only fires if something still holds on.
    setTimeout(() => process.exit(0), 2000).unref()
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal))
}

main().catch((error: unknown) => {
  // Expected start-up mistakes (a bad knob, a bad PORTCULLIS_CONFIG, a weak admin password) get their
  // message alone; anything else its stack.
  if (error instanceof ConfigError || error instanceof DemoEnvError)
    process.stderr.write(`demo: ${error.message}\n`)
  else if (isAuthError(error))
    process.stderr.write(`demo: ${error.code}: ${error.message}${describeDetails(error.details)}\n`)
  else
    process.stderr.write(
      `demo: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
  process.exit(1)
})

function describeDetails(details: unknown): string {
  if (!Array.isArray(details)) return ''
  return details.map((d: { message?: unknown }) => `\n  - ${String(d.message ?? JSON.stringify(d))}`).join('')
}

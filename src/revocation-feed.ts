import type { Core } from './flows/core.js'

/**
 * Follows revocations: subscribes to the channel (when there is one), reads the store's feed before
 * the first check, then polls it every interval as a safety net.
 */
export function followRevocations(core: Core): { ready(): Promise<void>; stop(): void } {
  let first: Promise<void> | null = null
  let timer: NodeJS.Timeout | null = null
  let unsubscribe: Promise<() => Promise<void>> | null = null
  const sync = () => core.revocations.sync(core.store, core.clock.now())
  return {
    ready() {
      if (first) return first
      // The channel only speeds revocations up; if it cannot subscribe, the store poll still delivers them.
      unsubscribe ??=
        core.revocationChannel
          ?.subscribe((records) => core.revocations.apply(records))
          .catch((error) => {
            core.logger.warn('revocation channel subscribe failed; relying on the store poll', {
              error: String(error),
            })
            unsubscribe = null
            return async () => {}
          }) ?? null
      // Wait for the subscription (so nothing published from here on is missed), but never hang on it.
      const subscribed = Promise.race([
        unsubscribe ?? undefined,
        new Promise((r) => setTimeout(r, 2000).unref()),
      ])
      const attempt = Promise.all([sync(), subscribed]).then(() => undefined)
      first = attempt
      // A failed first read is retried by the next request; callers still see this one's rejection.
      attempt.catch(() => {
        first = null
      })
      if (!timer) {
        timer = setInterval(() => {
          sync().catch((error) => core.logger.warn('revocation feed poll failed', { error: String(error) }))
        }, core.settings.revocation.pollIntervalMs)
        timer.unref()
      }
      return first
    },
    stop() {
      if (timer) clearInterval(timer)
      timer = null
      void unsubscribe?.then((off) => off()).catch(() => undefined)
      unsubscribe = null
    },
  }
}

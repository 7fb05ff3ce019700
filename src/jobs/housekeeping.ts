import type { Logger, Store } from '../ports.js'

/** The hourly cleanup: expired tokens, sessions, counters, revocation entries; old audit rows. */
export class Housekeeping {
  #timer: NodeJS.Timeout | null = null
  #running: Promise<Record<string, number>> | null = null

  constructor(
    private readonly deps: {
      store: Store
      logger: Logger
      now: () => number
      auditRetentionMs: number
      sealedRetentionMs: number
      mailRetentionMs: number
    },
  ) {}

  /**
   * Deletes what has expired, once. Every deletion is a plain `DELETE … WHERE expires_at <= now`, so
   * several instances running it at the same moment only share the work.
   */
  runOnce(): Promise<Record<string, number>> {
    this.#running ??= this.#purge().finally(() => {
      this.#running = null
    })
    return this.#running
  }

  /** Runs the cleanup every `intervalMs` (default hourly) until `stop()`. */
  start(intervalMs = 3_600_000): void {
    this.stop()
    this.#timer = setInterval(() => {
      this.runOnce().catch((error) => this.deps.logger.error('housekeeping failed', { error: String(error) }))
    }, intervalMs)
    this.#timer.unref()
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
  }

  async #purge(): Promise<Record<string, number>> {
    const now = this.deps.now()
    const counts = await this.deps.store.purgeExpired({
      now,
      auditBefore: now - this.deps.auditRetentionMs,
      sealedBefore: now - this.deps.sealedRetentionMs,
      mailBefore: now - this.deps.mailRetentionMs,
    })
    this.deps.logger.info('housekeeping done', counts)
    return counts
  }
}

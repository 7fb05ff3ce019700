import type { Logger, Mailer, Store } from '../ports.js'
import type { MailKind, OutboxRecord } from '../types.js'
import type { SecretBox } from '../crypto/secrets.js'
import { generateId } from '../crypto/tokens.js'
import type { Random } from '../ports.js'
import type { MailIntent, MailRenderer, RenderedMail } from './intents.js'

/** Attempts before a mail is marked dead. */
export const MAX_MAIL_ATTEMPTS = 8
const BASE_BACKOFF_MS = 30_000
const MAX_BACKOFF_MS = 3_600_000
const LEASE_MS = 60_000

/** Delay before retry number `attempts` (1-based): 30 s doubling, capped at an hour. */
export function mailBackoffMs(attempts: number): number {
  return Math.min(BASE_BACKOFF_MS * 2 ** (attempts - 1), MAX_BACKOFF_MS)
}

/** A mail as shown by the development mail view. */
export interface OutboxMailView extends RenderedMail {
  to: string
  kind: MailKind
  locale: string
  status: OutboxRecord['status']
  sentAt: number | null
  createdAt: number
}

/**
 * The persistent outbox: flows queue rendered mails in the same transaction as the change they
 * announce, and a worker sends them with retries, so no request waits on SMTP and no mail is lost.
 * The content is sealed at rest because links carry one-time tokens.
 */
export class Outbox {
  #running: Promise<void> | null = null
  #timer: NodeJS.Timeout | null = null
  #kickPending = false

  constructor(
    private readonly deps: {
      store: Store
      mailer: Mailer
      box: SecretBox
      random: Random
      logger: Logger
      now: () => number
      render: MailRenderer
      appName: string
    },
  ) {}

  /** Renders and queues a mail through `tx` (so it commits with the flow's other writes). */
  async enqueue(tx: Store, to: string, intent: MailIntent, locale: string): Promise<void> {
    const id = generateId(this.deps.random)
    const rendered = this.deps.render(intent, { locale, appName: this.deps.appName })
    const now = this.deps.now()
    await tx.enqueueMail({
      id,
      to,
      toNormalized: to.trim().toLowerCase(),
      kind: intent.kind,
      sealed: this.deps.box.seal(JSON.stringify({ ...rendered, locale }), `outbox:${id}`),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      sentAt: null,
      lastError: null,
    })
  }

  /** Asks the worker to run soon, without waiting for it (called after a flow commits). */
  kick(): void {
    if (this.#kickPending) return
    this.#kickPending = true
    setImmediate(() => {
      this.#kickPending = false
      void this.runOnce().catch((error) =>
        this.deps.logger.error('outbox run failed', { error: String(error) }),
      )
    })
  }

  /** Sends every due mail once; concurrent calls share one run. Returns when the run is over. */
  runOnce(): Promise<void> {
    this.#running ??= this.#drain().finally(() => {
      this.#running = null
    })
    return this.#running
  }

  /** Runs the worker every `intervalMs` until `stop()`. */
  start(intervalMs = 5000): void {
    this.stop()
    this.#timer = setInterval(() => this.kick(), intervalMs)
    this.#timer.unref()
  }

  /** Stops the periodic worker and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    await this.#running
  }

  /** Mails to an address, newest first, opened for display (development only). */
  async listTo(to: string, limit = 50): Promise<OutboxMailView[]> {
    const records = await this.deps.store.listMailsTo(to.trim().toLowerCase(), limit)
    return records.flatMap((r) => {
      const content = this.#open(r)
      return content
        ? [{ ...content, to: r.to, kind: r.kind, status: r.status, sentAt: r.sentAt, createdAt: r.createdAt }]
        : []
    })
  }

  #open(r: OutboxRecord): (RenderedMail & { locale: string }) | null {
    const json = this.deps.box.open(r.sealed, `outbox:${r.id}`)
    return json ? (JSON.parse(json) as RenderedMail & { locale: string }) : null
  }

  async #drain(): Promise<void> {
    for (;;) {
      const batch = await this.deps.store.claimDueMails(this.deps.now(), 20, LEASE_MS)
      if (batch.length === 0) return
      await Promise.all(batch.map((mail) => this.#send(mail)))
    }
  }

  async #send(mail: OutboxRecord): Promise<void> {
    const { store, mailer, logger, now } = this.deps
    const content = this.#open(mail)
    const attempts = mail.attempts + 1
    if (!content) {
      logger.error('outbox mail cannot be opened (key removed from the ring?)', {
        mailId: mail.id,
        kind: mail.kind,
      })
      await store.settleMail(
        mail.id,
        { status: 'dead', attempts, nextAttemptAt: now(), error: 'unreadable' },
        now(),
      )
      return
    }
    try {
      await mailer.send({ to: mail.to, kind: mail.kind, ...content })
      await store.settleMail(mail.id, { status: 'sent', attempts, nextAttemptAt: now(), error: null }, now())
    } catch (error) {
      const message = error instanceof Error ? error.message.slice(0, 500) : 'send failed'
      const dead = attempts >= MAX_MAIL_ATTEMPTS
      if (dead)
        logger.error('mail dead after retries', {
          mailId: mail.id,
          kind: mail.kind,
          attempts,
          error: message,
        })
      else
        logger.warn('mail send failed; will retry', {
          mailId: mail.id,
          kind: mail.kind,
          attempts,
          error: message,
        })
      const nextAttemptAt = now() + mailBackoffMs(attempts)
      await store.settleMail(
        mail.id,
        { status: dead ? 'dead' : 'pending', attempts, nextAttemptAt, error: message },
        now(),
      )
    }
  }
}

import type { Mail, Mailer } from '../ports.js'

/** A mailer that keeps every mail in memory, with helpers to find links, for tests. */
export interface CapturedMailer extends Mailer {
  readonly mails: Mail[]
  /** Mails to `to` (case-insensitive), oldest first. */
  to(to: string): Mail[]
  /** The newest mail to `to`, or undefined. */
  last(to: string): Mail | undefined
  /** Makes the next `count` sends reject, as a failing SMTP server would. */
  failNext(count: number): void
  clear(): void
}

/** Creates a captured mailer. */
export function capturedMailer(): CapturedMailer {
  const mails: Mail[] = []
  let failures = 0
  const to = (address: string) => mails.filter((m) => m.to.toLowerCase() === address.trim().toLowerCase())
  return {
    mails,
    async send(mail) {
      if (failures > 0) {
        failures--
        throw new Error('captured mailer: simulated send failure')
      }
      mails.push(mail)
    },
    to,
    last: (address) => to(address).at(-1),
    failNext(count) {
      failures = count
    },
    clear() {
      mails.length = 0
    },
  }
}

/** The absolute URLs in a mail's text, in order (verification and reset links among them). */
export function linksIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0])
}

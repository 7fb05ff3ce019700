import { randomBytes } from 'node:crypto'
import type { Clock, Logger, Mail, Mailer, Random } from './ports.js'

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** Node's CSPRNG. */
export const systemRandom: Random = { bytes: (n) => new Uint8Array(randomBytes(n)) }

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const

/** A logger writing one JSON line per entry to stderr, from `level` up. */
export function consoleLogger(level: keyof typeof levels = 'info'): Logger {
  const write = (l: keyof typeof levels) => (message: string, fields?: Record<string, unknown>) => {
    if (levels[l] >= levels[level])
      process.stderr.write(
        `${JSON.stringify({ level: l, time: new Date().toISOString(), msg: `portcullis: ${message}`, ...fields })}\n`,
      )
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}

/**
 * A development mailer that prints each mail to stdout. Mail bodies carry one-time links, so by default
 * it prints only the recipient, kind and subject; pass `{ showBody: true }` on a developer's machine to
 * see the links. `createAuth` requires a real mailer in production.
 */
export function consoleMailer(options: { showBody?: boolean } = {}): Mailer {
  return {
    async send(mail: Mail) {
      const head = `--- mail (${mail.kind}) to ${mail.to}: ${mail.subject}\n`
      process.stdout.write(options.showBody ? `${head}${mail.text}---\n` : head)
    },
  }
}

import { describe, expect, it } from 'vitest'
import { mailBackoffMs } from '../../src/mail/outbox.js'
import { renderMail } from '../../src/mail/templates.js'
import { ctx, makeAuth } from '../helpers.js'

describe('outbox', () => {
  it('retries with exponential backoff and marks the mail dead after 8 attempts', async () => {
    const t = makeAuth()
    await t.auth.provisionUser({ email: 'ada@example.com', password: 'Correct-Horse-9' })
    t.mailer.failNext(100)
    await t.auth.requestPasswordReset('ada@example.com', ctx)
    const seen: [string, number][] = []
    for (let attempt = 1; attempt <= 8; attempt++) {
      await t.auth.outbox.runOnce()
      const [mail] = await t.store.listMailsTo('ada@example.com', 1)
      seen.push([mail!.status, mail!.attempts])
      t.clock.advance(mailBackoffMs(attempt))
    }
    expect(seen.slice(0, 7).every(([status]) => status === 'pending')).toBe(true)
    expect(seen.at(-1)).toEqual(['dead', 8])
    expect(t.logger.lines.some((l) => l.level === 'error' && l.message.includes('dead'))).toBe(true)
    // Nothing secret reaches the log.
    expect(JSON.stringify(t.logger.lines)).not.toMatch(/token=/)
  })

  it('does not send a mail before its retry time', async () => {
    const t = makeAuth()
    await t.auth.provisionUser({ email: 'ada@example.com', password: 'Correct-Horse-9' })
    t.mailer.failNext(1)
    await t.auth.requestPasswordReset('ada@example.com', ctx)
    await t.auth.outbox.runOnce()
    t.clock.advance(mailBackoffMs(1) - 1)
    await t.auth.outbox.runOnce()
    expect(t.mailer.mails).toHaveLength(0)
    t.clock.advance(1)
    await t.auth.outbox.runOnce()
    expect(t.mailer.mails.map((m) => m.kind)).toEqual(['password-reset'])
  })

  it('keeps mail content sealed at rest and opens it for the development view', async () => {
    const t = makeAuth()
    await t.auth.register({ email: 'ada@example.com', password: 'Correct-Horse-9' }, ctx)
    const [record] = await t.store.listMailsTo('ada@example.com', 1)
    expect(record!.sealed).not.toContain('verify-email')
    const [view] = await t.auth.outbox.listTo('ADA@example.com')
    expect(view!.text).toContain('http://localhost:3000/verify-email?token=')
  })

  it('backs off 30 s, doubling, capped at an hour', () => {
    expect([1, 2, 3, 8, 20].map(mailBackoffMs)).toEqual([30_000, 60_000, 120_000, 3_600_000, 3_600_000])
  })
})

describe('templates', () => {
  it('renders every kind in English and German, escaping HTML', () => {
    const at = Date.UTC(2026, 0, 1)
    const intents = [
      { kind: 'verify-email', url: 'https://a.example/v?token=x', expiresAt: at },
      {
        kind: 'already-registered',
        loginUrl: 'https://a.example/login',
        resetUrl: 'https://a.example/forgot',
      },
      { kind: 'password-reset', url: 'https://a.example/r?token=x', expiresAt: at },
      { kind: 'password-changed' },
      {
        kind: 'email-change-confirm',
        url: 'https://a.example/c?token=x',
        expiresAt: at,
        newEmail: '<b>@x.example',
      },
      { kind: 'email-changed-notice', newEmail: 'new@example.com' },
      { kind: 'lockout-notice', until: at },
      { kind: 'new-sign-in', ip: '203.0.113.7', userAgent: 'Firefox', at },
      { kind: 'refresh-reuse', at },
      { kind: 'backup-code-used', at, ip: '203.0.113.7', remaining: 9 },
    ] as const
    for (const intent of intents) {
      const en = renderMail(intent, { locale: 'en', appName: 'Acme' })
      const de = renderMail(intent, { locale: 'de-DE', appName: 'Acme' })
      expect(en.subject).not.toBe(de.subject)
      expect(en.html).not.toContain('<b>@')
      expect(en.text.length).toBeGreaterThan(20)
    }
    const verify = renderMail(intents[0], { locale: 'en', appName: 'Acme' })
    expect(verify.html).toContain('<a href="https://a.example/v?token=x">')
  })
})

describe('consoleMailer', () => {
  it('prints no mail body (one-time links) unless asked to', async () => {
    const { consoleMailer } = await import('../../src/defaults.js')
    const written: string[] = []
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((chunk: string) => {
      written.push(String(chunk))
      return true
    }) as typeof process.stdout.write
    try {
      const mail = {
        to: 'a@example.com',
        subject: 'S',
        text: 'https://x/?token=SECRET',
        html: '',
        kind: 'verify-email' as const,
        locale: 'en',
      }
      await consoleMailer().send(mail)
      await consoleMailer({ showBody: true }).send(mail)
    } finally {
      process.stdout.write = write
    }
    expect(written[0]).not.toContain('SECRET')
    expect(written[1]).toContain('SECRET')
  })
})

describe('template overrides', () => {
  it('uses the host renderer for the kinds it words and the built-in one for the rest', async () => {
    const t = makeAuth({
      renderMail: (intent) =>
        intent.kind === 'verify-email'
          ? { subject: 'Welcome aboard', text: `Click ${intent.url}`, html: `<a href="${intent.url}">go</a>` }
          : undefined,
    })
    await t.auth.register({ email: 'ada@example.com', password: 'Correct-Horse-9' }, ctx)
    await t.auth.requestPasswordReset('ada@example.com', ctx)
    await t.auth.outbox.runOnce()
    const mails = t.mailer.to('ada@example.com')
    const verify = mails.find((m) => m.kind === 'verify-email')
    const reset = mails.find((m) => m.kind === 'password-reset')
    expect(verify?.subject).toBe('Welcome aboard')
    expect(verify?.text).toMatch(/^Click http:\/\/localhost:3000\/verify-email\?token=/)
    expect(reset?.subject).toBe('Reset your portcullis password')
  })
})

import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterEach, describe, expect, it } from 'vitest'
import { smtpMailer } from '../../adapters/nodemailer/index.js'
import { ctx, makeAuth } from '../helpers.js'

interface Received {
  to: string[]
  raw: string
}

/** A real SMTP server on loopback that keeps what it receives. */
async function startSmtp(port = 0): Promise<{ server: SMTPServer; port: number; received: Received[] }> {
  const received: Received[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      let raw = ''
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8')
      })
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw })
        done()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { server, port: (server.server.address() as AddressInfo).port, received }
}

const closers: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

describe('smtpMailer', () => {
  it('delivers a rendered mail over SMTP with text, HTML and headers', async () => {
    const smtp = await startSmtp()
    closers.push(() => new Promise<void>((r) => smtp.server.close(() => r())))
    const mailer = smtpMailer(`smtp://127.0.0.1:${smtp.port}`, {
      from: 'Portcullis <no-reply@example.com>',
      transport: { ignoreTLS: true },
    })
    closers.push(() => mailer.close())
    await mailer.send({
      to: 'ada@example.com',
      subject: 'Hello',
      text: 'Plain body',
      html: '<p>Html body</p>',
      kind: 'password-changed',
      locale: 'de',
    })
    expect(smtp.received).toHaveLength(1)
    expect(smtp.received[0]!.to).toEqual(['ada@example.com'])
    expect(smtp.received[0]!.raw).toContain('Subject: Hello')
    expect(smtp.received[0]!.raw).toContain('Plain body')
    expect(smtp.received[0]!.raw).toContain('Content-Language: de')
  })

  it('keeps a reset mail while SMTP is down and delivers it once the server is back', async () => {
    const first = await startSmtp()
    const port = first.port
    await new Promise<void>((r) => first.server.close(() => r()))
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, {
      from: 'no-reply@example.com',
      transport: { ignoreTLS: true, connectionTimeout: 2000 },
    })
    closers.push(() => mailer.close())
    const t = makeAuth({ mailer })
    await t.auth.provisionUser({ email: 'ada@example.com', password: 'Correct-Horse-9' })
    const started = Date.now()
    expect(await t.auth.requestPasswordReset('ada@example.com', ctx)).toEqual({ status: 'sent_if_exists' })
    // The request never waits on SMTP.
    expect(Date.now() - started).toBeLessThan(1000)
    await t.auth.outbox.runOnce()
    const pending = await t.store.listMailsTo('ada@example.com', 10)
    expect(pending.map((m) => [m.status, m.attempts])).toEqual([['pending', 1]])
    const back = await startSmtp(port)
    closers.push(() => new Promise<void>((r) => back.server.close(() => r())))
    t.clock.advance(60_000)
    await t.auth.outbox.runOnce()
    expect(back.received).toHaveLength(1)
    expect(back.received[0]!.raw).toContain('reset-password?token=3D') // quoted-printable "="
    expect((await t.store.listMailsTo('ada@example.com', 10))[0]!.status).toBe('sent')
  })
})

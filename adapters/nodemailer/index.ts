import type { Mail, Mailer } from '../../src/ports.js'

/** The subset of a nodemailer transporter that portcullis calls. */
export interface MailTransportLike {
  sendMail(message: {
    from?: string
    to: string
    subject: string
    text: string
    html: string
    headers?: Record<string, string>
  }): Promise<unknown>
  close?(): void
}

/** Options for `smtpMailer`. */
export interface SmtpMailerOptions {
  /** The From header, e.g. `"Acme" <no-reply@acme.example>`. */
  from: string
  /** Extra nodemailer transport options (pool, tls, …) merged over the URL's. */
  transport?: Record<string, unknown>
}

/**
 * A Mailer over SMTP through nodemailer. Give it an SMTP URL (`smtp://user:pass@host:587`,
 * `smtps://…`) or your own transporter. A failed send rejects, and the outbox retries it later.
 */
export function smtpMailer(
  target: string | MailTransportLike,
  options: SmtpMailerOptions,
): Mailer & { close(): void } {
  let transport: Promise<MailTransportLike> | null =
    typeof target === 'string' ? null : Promise.resolve(target)
  const load = () => {
    transport ??= import('nodemailer').then(
      (nodemailer) =>
        nodemailer.createTransport({
          url: target as string,
          ...options.transport,
        } as never) as MailTransportLike,
      () => {
        throw new Error('portcullis/nodemailer needs the "nodemailer" package: npm install nodemailer')
      },
    )
    return transport
  }
  return {
    async send(mail: Mail) {
      const t = await load()
      await t.sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: { 'Content-Language': mail.locale, 'X-Portcullis-Kind': mail.kind },
      })
    },
    close() {
      void transport?.then((t) => t.close?.())
    },
  }
}

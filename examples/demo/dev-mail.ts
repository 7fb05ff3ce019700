import { randomBytes } from 'node:crypto'
import { type Request, type Response, Router } from 'express'
import type { Auth } from '../../src/index.js'
import { linksIn } from '../../src/testing/index.js'

/** One mail as `GET /dev/mail` shows it. */
export interface DevMail {
  to: string
  subject: string
  text: string
  html: string
  /** The absolute URLs in the text: verification and reset links carry the token as `?token=`. */
  links: string[]
  /** ISO 8601, or null while the mail is still queued. */
  sentAt: string | null
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * `GET /dev/mail?to=<email>`: the mails to an address, newest first, read from the store's outbox (so every
 * instance sees every instance's mail). Development only: the mails carry live one-time tokens.
 */
export function devMailRouter(auth: Auth): Router {
  const router = Router()
  router.get('/dev/mail', async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store')
    const to = typeof req.query.to === 'string' ? req.query.to.trim() : ''
    if (to === '') {
      sendError(req, res, 400, 'VALIDATION_FAILED', 'the query parameter `to` (an email address) is required')
      return
    }
    // The outbox stores the address lowercased; listTo lowercases its argument too.
    const mails = await auth.outbox.listTo(to)
    const body: DevMail[] = mails.map((m) => ({
      to: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      links: linksIn(m.text),
      sentAt: m.sentAt === null ? null : new Date(m.sentAt).toISOString(),
    }))
    res.json({ mails: body })
  })
  return router
}

/** Answers in the contract's error shape, with a request id echoed or made. */
export function sendError(req: Request, res: Response, status: number, code: string, message: string): void {
  const incoming = req.get('x-request-id')
  const requestId =
    incoming !== undefined && requestIdPattern.test(incoming) ? incoming : randomBytes(16).toString('hex')
  res.set('X-Request-Id', requestId).status(status).json({ error: { code, message, requestId } })
}

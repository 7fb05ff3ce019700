import { fileURLToPath } from 'node:url'
import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import { expressAuth } from '../../adapters/express/index.js'
import type { Auth } from '../../src/index.js'
import { devMailRouter, sendError } from './dev-mail.js'
import { pagesRouter } from './pages.js'

const publicDir = fileURLToPath(new URL('./public/', import.meta.url))

/** The demo's Express app: the auth routes at /auth, the pages, their static files and (in development) /dev/mail. */
export function demoApp(auth: Auth, options: { development: boolean }): Express {
  const { router, securityHeaders } = expressAuth(auth)
  const app = express()
  app.disable('x-powered-by')
  // The auth router sets its own headers (no-store, CORS, request id) and answers every path under /auth.
  app.use('/auth', router)
  // Everything else gets the page security headers: CSP with a per-response nonce, no framing, nosniff…
  app.use(securityHeaders())
  app.use('/static', express.static(publicDir, { index: false, fallthrough: false }))
  app.use(pagesRouter({ development: options.development, nonceOf: (res) => res.locals.cspNonce ?? '' }))
  // Outside production only: the mails carry live one-time tokens.
  if (options.development) app.use(devMailRouter(auth))
  app.use((req: Request, res: Response) => {
    sendError(req, res, 404, 'NOT_FOUND', `no page at ${req.method} ${req.path}`)
  })
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error)
    const status = (error as { status?: unknown }).status
    if (status === 404) return sendError(req, res, 404, 'NOT_FOUND', `no file at ${req.path}`)
    auth.logger.error('demo: request failed', {
      path: req.path,
      error: String((error as Error).stack ?? error),
    })
    sendError(req, res, 500, 'INTERNAL', 'something went wrong on the server')
  })
  return app
}

// Type-checked in CI (tsconfig includes docs/examples). Imports are exactly what a user writes.
import express from 'express'
import { AuthError, createAuth, consoleMailer } from 'portcullis'
import { expressAuth } from 'portcullis/express'
import { sqliteStore } from 'portcullis/kysely'
import {
  checkPassword,
  defaultPasswordPolicy,
  lockoutDecision,
  defaultLockoutSettings,
} from 'portcullis/policy'

export async function quickStart(): Promise<void> {
  const auth = createAuth({
    store: sqliteStore('./.data/auth.db'),
    mailer: consoleMailer({ showBody: true }), // development only: prints the one-time links
    appUrl: 'http://localhost:3000',
    keys: process.env.AUTH_KEYS,
    lockout: { threshold: 5, windowSeconds: 1800, lockSeconds: 1800 },
  })
  await auth.migrate()
  auth.outbox.start()

  const app = express()
  const { router, requireAuth, requirePermission } = expressAuth(auth)
  app.use('/auth', router)
  app.get('/api/me', requireAuth(), (_req, res) => {
    res.json(res.locals.auth.user)
  })
  app.delete('/api/users/:id', requirePermission('users:write'), (_req, res) => {
    res.sendStatus(204)
  })
  app.listen(3000)
}

/** Calling a flow directly, outside HTTP: errors are AuthErrors with a stable code. */
export async function signInDirectly(auth: ReturnType<typeof createAuth>): Promise<string | null> {
  try {
    const result = await auth.login(
      { email: 'ada@example.com', password: 'Correct-Horse-9' },
      { ip: null, userAgent: null },
    )
    return result.type === 'tokens' ? result.tokens.accessToken : null
  } catch (error) {
    if (error instanceof AuthError && error.code === 'ACCOUNT_LOCKED') return null
    throw error
  }
}

/** Policies are pure: no setup, `now` passed in. */
export function policies(now: number): boolean {
  const check = checkPassword(defaultPasswordPolicy, 'hunter2', { email: 'ada@example.com' })
  const decision = lockoutDecision(undefined, defaultLockoutSettings, now)
  return check.ok && decision.type === 'open'
}

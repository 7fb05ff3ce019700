// Better Auth as its docs set it up: email and password, SQLite through better-sqlite3, Express 5 with
// `toNodeHandler`. `cookieCache` switches its signed session-data cookie on or off; rate limiting is off, as
// portcullis' guard has none either. Sessions are made through its own sign-up and sign-in.
import { betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { toNodeHandler } from 'better-auth/node'
import express from 'express'
import { options, serve } from '../lib/child.mjs'
import { freshDbPath, openSqlite, password } from '../lib/setup.mjs'

const { cookieCache = false, users = 10, sessions = 50 } = options

const db = openSqlite(freshDbPath(`better-auth-${cookieCache ? 'cache' : 'nocache'}`))
const config = {
  database: db,
  baseURL: 'http://127.0.0.1',
  secret: 'bench-secret-bench-secret-bench-secret-0123456789',
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  session: cookieCache ? { cookieCache: { enabled: true, maxAge: 5 * 60 } } : {},
}
const { runMigrations } = await getMigrations(config)
await runMigrations()
const auth = betterAuth(config)

const cookies = []
for (let u = 0; u < users; u++) {
  const email = `user${u}@bench.test`
  await auth.api.signUpEmail({ body: { email, password, name: `User ${u}` } })
}
for (let s = 0; s < sessions; s++) {
  const email = `user${s % users}@bench.test`
  const response = await auth.api.signInEmail({ body: { email, password }, asResponse: true })
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`)
  cookies.push(
    response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; '),
  )
}

const app = express()
app.all('/api/auth/*splat', toNodeHandler(auth))
const server = await new Promise((resolve) => {
  const s = app.listen(0, '127.0.0.1', () => resolve(s))
})

serve({}, { port: server.address().port, cookies }, async () => {
  server.close()
  db.close()
})

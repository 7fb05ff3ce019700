// Type-checked in CI: the snippets of docs/audit.md.
import { type AuditEvent, type Auth, createAuth } from 'portcullis'
import { memoryStore } from 'portcullis/testing'

// Every audit event, once committed, goes to the hook; a failing hook is logged and never breaks a flow.
export const auth = createAuth({
  store: memoryStore(),
  appUrl: 'http://localhost:3000',
  onEvent: async (event: AuditEvent) => {
    if (event.type === 'lockout' || event.type === 'refresh.reuse' || event.type === 'user.block')
      await fetch('https://siem.example/ingest', { method: 'POST', body: JSON.stringify(event) })
  },
})

// The query API: filters, newest first, and a cursor for the next page.
export async function failedLoginsToday(auth: Auth) {
  const since = new Date(Date.now() - 86_400_000)
  const events = []
  let cursor: string | undefined
  do {
    const page = await auth.queryAudit({ type: 'login.failure', from: since, limit: 200, cursor })
    events.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return events
}

// A user's own sign-in history, as GET /activity serves it.
export async function myHistory(auth: Auth, accessToken: string) {
  const principal = await auth.authenticate(accessToken)
  const { items } = await auth.listActivity(principal, { limit: 20 })
  return items.map((e) => `${e.at} ${e.type} from ${e.ip ?? 'unknown'}`)
}

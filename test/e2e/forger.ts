import { once } from 'node:events'
import { createServer, type Server } from 'node:http'

/**
 * A hostile site for the CSRF journeys: a second origin on its own loopback port. Opened as
 * `http://127.0.0.1:<port>` it is cross-site to the demo (`http://localhost:<demo port>`); opened as
 * `http://localhost:<port>` it is same-site but cross-origin (another port is another origin).
 *
 * - `GET /form?target=<url>`: a page whose form POSTs itself to `target` as soon as it loads (no JavaScript
 *   needed by the attacker beyond the submit; a plain form post is what SameSite and CSRF tokens exist for).
 * - `GET /fetch?target=<url>`: a page that sends `fetch(target, {mode: 'no-cors', credentials: 'include'})`
 *   with a JSON-looking text/plain body, the most a cross-origin page can send without a preflight.
 */
export async function startForger(): Promise<{ port: number; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://forger.invalid')
    const target = url.searchParams.get('target') ?? ''
    if (!/^http:\/\/(localhost|127\.0\.0\.1):\d+\/auth\//.test(target)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such page')
      return
    }
    const page =
      url.pathname === '/form' ? formPage(target) : url.pathname === '/fetch' ? fetchPage(target) : null
    if (page === null) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such page')
      return
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(page)
  })
  // Loopback only: the forger must not be reachable from the network while the tests run.
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the forger has no port')
  return { port: address.port, server }
}

const forgedFields = { currentPassword: 'a-guess', newPassword: 'Forged-By-Another-Site-2026' }

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function formPage(target: string): string {
  const inputs = Object.entries(forgedFields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('')
  return `<!doctype html><title>You won a prize</title><h1>Claiming your prize…</h1>
<form id="forged" method="post" action="${escapeHtml(target)}">${inputs}</form>
<script>document.getElementById('forged').submit()</script>`
}

function fetchPage(target: string): string {
  // JSON.stringify, with < escaped, keeps the URL a string literal inside the script element.
  const literal = JSON.stringify(target).replace(/</g, '\\u003c')
  const body = JSON.stringify(JSON.stringify(forgedFields)).replace(/</g, '\\u003c')
  return `<!doctype html><title>Cute cats</title><h1>Loading cats…</h1>
<script>
fetch(${literal}, { method: 'POST', mode: 'no-cors', credentials: 'include',
  headers: { 'Content-Type': 'text/plain' }, body: ${body} })
  .then(() => { document.title = 'sent' }, () => { document.title = 'refused' })
</script>`
}

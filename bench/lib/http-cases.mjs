// The HTTP cases: servers in child processes, autocannon in another, targets measured in alternating rounds
// (A B C D, then D C B A, …) so that background load drifting over time hits every target alike.
import { startChild } from './proc.mjs'
import { password } from './setup.mjs'

function combine(runs) {
  const ok = runs.reduce((s, r) => s + r.ok, 0)
  const seconds = runs.reduce((s, r) => s + r.seconds, 0)
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)
  const mid = sorted[Math.floor(sorted.length / 2)]
  return {
    requestsPerSecond: ok / seconds,
    ok,
    seconds,
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    p50Ms: mid.p50Ms,
    p99Ms: mid.p99Ms,
    rounds: runs.map((r) => Math.round(r.requestsPerSecond)),
  }
}

/** Measures `targets` ({ name: autocannon options }) in alternating rounds after one warm-up each. */
export async function alternateHttp(
  load,
  targets,
  { rounds = 4, roundSeconds = 2, warmupSeconds = 2, connections = 16 },
) {
  const names = Object.keys(targets)
  const runs = Object.fromEntries(names.map((n) => [n, []]))
  for (const name of names)
    await load.call('run', { ...targets[name], connections, durationSeconds: warmupSeconds })
  for (let r = 0; r < rounds; r++)
    for (const name of r % 2 === 0 ? names : [...names].reverse())
      runs[name].push(
        await load.call('run', { ...targets[name], connections, durationSeconds: roundSeconds }),
      )
  return Object.fromEntries(names.map((n) => [n, combine(runs[n])]))
}

const bearer = (tokens) => tokens.map((t) => ({ headers: { authorization: `Bearer ${t}` } }))

/** Starts a portcullis host app on `framework`; resolves once it listens with its tokens minted. */
export async function startPortcullis(framework, extra = {}) {
  const server = startChild('servers/portcullis.mjs', { framework, ...extra })
  const info = await server.ready
  const url = (path) => `http://127.0.0.1:${info.port}${path}`
  const variants = bearer(info.accessTokens)
  return {
    server,
    info,
    bare: { url: url('/bare'), variants },
    protected: { url: url('/api/me'), variants },
    login: {
      url: url('/auth/login'),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      variants: info.emails.map((email) => ({ body: JSON.stringify({ email, password }) })),
    },
  }
}

/** Starts Better Auth on Express 5 with or without its cookie cache. */
export async function startBetterAuth(cookieCache) {
  const server = startChild('servers/better-auth.mjs', { cookieCache })
  const info = await server.ready
  return {
    server,
    getSession: {
      url: `http://127.0.0.1:${info.port}/api/auth/get-session`,
      variants: info.cookies.map((cookie) => ({ headers: { cookie } })),
    },
  }
}

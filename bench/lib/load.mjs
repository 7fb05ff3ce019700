// The load generator: autocannon in its own process, so the server under test never shares an event loop
// with the client. Each `run` call is one fixed-duration case against 127.0.0.1; `variants` (headers and
// bodies) are sent in turn, so a case can spread over many tokens or accounts.
import autocannon from 'autocannon'
import { serve } from './child.mjs'

function config({ url, method = 'GET', headers = {}, body, variants, connections, durationSeconds }) {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`refusing a target off loopback: ${url}`)
  const base = { url, method, headers, body, connections, duration: durationSeconds, timeout: 10 }
  if (!variants?.length) return base
  let next = 0
  return {
    ...base,
    requests: [
      {
        setupRequest(request) {
          const v = variants[next++ % variants.length]
          return { ...request, headers: { ...request.headers, ...v.headers }, body: v.body ?? request.body }
        },
      },
    ],
  }
}

async function run(args) {
  const result = await autocannon(config(args))
  const ok = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, s]) => sum + Number(s.count), 0)
  return {
    requestsPerSecond: ok / result.duration,
    ok,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([c, s]) => [c, s.count]),
    ),
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    connections: result.connections,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  }
}

serve({ run })

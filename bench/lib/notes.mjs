// The prose of docs/performance.md that does not come out of the measurements: how they are taken, what was
// optimised to meet the targets, and why a target that is missed is missed.

export const reading = [
  'Ratios of throughput read "portcullis ÷ the other": above 1 is faster. Rows marked "time per op" are ratios of',
  'time, where below 1 is faster. The protected-route rows send 200 tokens in turn, each many times, as clients do',
  'with a 15-minute access token, so they run on the verified-token cache; a token seen for the first time costs a',
  'full Ed25519 verification, which the token-check rows measure on its own.',
].join('\n')

export const method = [
  '- Every server under test, the load generator (autocannon 8 through its API) and every in-process case run in',
  '  processes of their own, all on 127.0.0.1. HTTP cases: 16 connections, a 2 s warm-up per target, then 4 rounds',
  '  of 2 s per target in alternating order (A B C D, D C B A, …). A ratio is the median over rounds of the ratio',
  '  of two adjacent measurements, so background load that drifts during the run cancels out; the absolute req/s',
  '  is the total of 2xx answers over the total time. Non-2xx answers are counted and shown; each target is probed',
  '  once before it is measured (Better Auth answers 200 `null` without a session, so its probe checks the body).',
  '- Host apps: the bare route and the protected route call the same handler (`{ user: id }`, answers of equal',
  '  size); the protected one sits behind `requireAuth()` with a bearer access token. The tokens come from 200 real',
  '  logins and are sent in turn; 1,000 unrelated revocations sit in the revocation feed, so the revocation check',
  '  (on every request) looks up a populated cache. SQLite store (better-sqlite3, WAL, as `sqliteStore(path)` opens',
  '  it), production mode, rate limits off (the guard has none; the auth routes do, measured in (e)).',
  '- Better Auth: email and password, SQLite through better-sqlite3 (WAL, as for portcullis), Express 5 with',
  '  `toNodeHandler`, rate limiting off, 50 sessions of 10 users made by its own sign-up and sign-in; `get-session`',
  '  with the session cookie, once without and once with `session.cookieCache` (then the signed session-data',
  '  cookie is sent too).',
  '- Login: `POST /auth/login` on Express over 1,000 accounts (argon2id with the default OWASP parameters: 19 MiB,',
  '  2 passes), 8 connections, once on SQLite and once on Postgres: a 2 s warm-up, then 3 rounds, each of one',
  '  argon2id verify at a time for 1 s (its mean time gives the ceiling, cores ÷ that time), verifies with one per',
  '  core in flight and nothing else for 1.5 s (what hashing itself reaches), then 3 s of logins. The ratios are',
  '  medians of the per-round ratios. The event-loop delay comes from',
  "  `perf_hooks.monitorEventLoopDelay({ resolution: 1 })` in the server, a fresh monitor for each round's login",
  "  seconds (its values include the 1 ms sampling interval); the table shows the worst round's p99.",
  '- In-process cases (token check, refresh, rate limit, scale) alternate their variants in rounds the same way.',
  '  Rate limit: `hitRateLimit` with a limit of 20 per minute over keys of 10,000 client IPs, 4 calls in flight.',
  '  Token check: 1,000 tokens in turn for "seen before", 45,000 distinct tokens used at most once each for',
  '  "first sight"; the raw side is `jose.jwtVerify(token, publicKey)` with jose\'s defaults (signature, `exp`).',
  '- Refresh: 4 (SQLite) or 8 (Postgres) independent refresh chains in flight on each side; the raw side runs the',
  '  same compare-and-set UPDATE and INSERT of `pc_refresh_tokens` in one transaction on the same database',
  '  (better-sqlite3 prepared statements; pg `BEGIN … COMMIT` on one pooled connection).',
  '- Scale: databases of 10k and 1M users, each with one session and one active refresh token, 1% of the sessions',
  '  revoked, bulk-inserted with SQL (a recursive CTE in SQLite, `generate_series` in Postgres); both sizes open in',
  '  one process and alternated. Login picks accounts spread over all N, refresh starts from 2,000 sessions spread',
  '  over all N, the token check uses access tokens issued by those refreshes (in process: the HTTP layer in front',
  '  of it does not depend on N).',
  '- The machine is shared: other work may run beside the benchmark. The load average before and after is printed',
  '  above; the per-round columns show how much a measurement moved within the run.',
  '- No timing assertion lives in the test suite; these numbers come only from `npm run bench`.',
].join('\n')

export const optimisations = [
  '- **Verified-token cache** (`src/crypto/access-token.ts`): a token whose signature and claims checked out is',
  '  remembered per key ring (10,000 tokens, oldest forgotten first), keyed by the whole compact token, so a',
  '  repeat skips the Ed25519 verify (about 0.1 ms). `nbf` and `exp` are checked again on every hit exactly as',
  '  jose does, issuer and audience must match, each caller gets its own copy of the claims, and the revocation',
  '  check still runs on every request. Effect: a repeated token costs ~1 µs instead of ~0.1 ms in process; the',
  '  Express protected route went from ~0.55× to ~1× of the bare route.',
  "- **Synchronous token signing** (`src/crypto/access-token.ts`): access tokens are signed with node:crypto's",
  "  one-shot `sign` (EdDSA) or HMAC (HS256) instead of jose's `SignJWT`, whose WebCrypto call is queued on",
  "  libuv's thread pool behind the argon2 hashes; a login kept its store transaction (and SQLite's single",
  '  connection) open until a pool thread was free, so logins queued behind each other. The tokens are byte for',
  '  byte those jose produced (a test pins it). Verification stays with jose.',
  '- **One hash per core** (`src/crypto/password-hash.ts`): at most `availableParallelism()` argon2id hashes run at',
  "  once, process-wide; libuv's 4 pool threads ran 4 memory-hard hashes on 2 cores, so the event loop waited for",
  '  a core. Login flood: event-loop delay p99 ~40 → ~20 ms at 10 ms sampling (~30 → ~10 ms of actual delay),\n  logins/s 148 → 166 (SQLite).',
  "- **SQLite statement cache** (`adapters/kysely/sqlite.ts`): Kysely's SqliteDialect prepares every query anew;",
  '  the store now keeps the prepared statements of up to 200 SQL texts. Refresh on SQLite went from ~0.2× to\n  ~0.35× of the raw write (same-run ratios).',
  '- **Postgres rotation in one statement** (`adapters/kysely/kysely-sessions.ts`): the compare-and-set UPDATE, the',
  "  successor INSERT and the session's `last_used_at` as data-modifying CTEs, one round trip instead of BEGIN,",
  "  three statements and COMMIT (still exactly one winner: the row lock and the re-checked `state = 'active'`).",
  "- **Hono headers** (`adapters/hono/index.ts`): on @hono/node-server the guard reads Node's raw headers, combined",
  '  exactly as its Fetch `Headers` would (a test sends the same lines both ways), instead of making node-server',
  '  build a `Headers` object per request. Hono protected route: ~0.82× → ~0.92× of the bare route.',
  '- **Refresh context in one read** (`Store.findRefreshContext`, optional; Postgres implements it): the token, its',
  '  session and its user in one statement instead of three over two round trips. Postgres rotation went from',
  '  ~0.2× to ~0.5× of the raw write with the two changes.',
].join('\n')

const f0 = (v) => (v === undefined ? 'n/a' : Math.round(v).toLocaleString('en-US'))
const f2 = (v) => (v === undefined ? 'n/a' : v.toFixed(2))

/** Why a target is missed: text, or a function of the row and the run's results. */
const why = {
  'express-bare':
    'The guard builds the framework-neutral request (headers, cookies, query) and checks Origin, transport and CSRF before the token; with the verified-token cache the token itself costs a map lookup.',
  'fastify-bare':
    "As for Express; Fastify's bare route is the fastest, so the guard's fixed per-request work is the largest share there.",
  'hono-bare': (_row, r) =>
    `Hono's bare route answered ${f0(r.sections.http?.honoBare?.requestsPerSecond)} req/s, so the guard's fixed work per request (the framework-neutral request from the headers, the Origin, transport and CSRF checks, a token-cache hit, Hono's middleware dispatch) is a large share of each request.`,
  'better-auth':
    'Better Auth without its cookie cache reads the session and user from SQLite on every request.',
  'token-repeat':
    'A cache hit is a map lookup; a miss here would mean the cache did not hold the 1,000 tokens.',
  'token-first':
    "A first sight pays jose's full verification plus portcullis' own work: the `kid` lookup (one extra header decode), the claim-shape check, the revocation lookup and the principal object.",
  login: (row, r) => {
    const l = row.id.endsWith('postgres') ? r.sections.login?.postgres : r.sections.login
    if (!l) return ''
    const hashingShare = l.hashingPerSecond / l.ceiling
    const hashing =
      hashingShare < 0.9
        ? `The same server, doing nothing else, reached ${f0(l.hashingPerSecond)} verifies/s with one verify per core in flight: ${f2(hashingShare)}× of that ceiling, because two memory-hard hashes (19 MiB each) side by side on this VM's 2 vCPUs share caches and memory bandwidth (and other work on the machine takes its share).`
        : `The same server, doing nothing else, reached ${f0(l.hashingPerSecond)} verifies/s with one verify per core in flight (${f2(hashingShare)}× of that ceiling, within the noise of a shared machine).`
    const rest = `the rest is the main thread's work per login (JSON, the lockout and account reads, the session transaction, signing; the argon2 binding also spends ~0.3 ms of main-thread time per verify before it hands the hash to a pool thread)${l.database === 'postgres' ? ', the Postgres server itself' : ''} and the load generator, all on the same 2 cores.`
    return `One argon2id verify took ${f2(l.verifyMs)} ms on its own (median round), so the ceiling is ${l.cores} ÷ ${f2(l.verifyMs)} ms = ${f0(l.ceiling)} logins/s. ${hashing} Against that measured hashing rate the logins reach ${f2(l.ratioToHashing)}× (median round); ${rest}`
  },
  'login-eld':
    'The delay is how long the event loop waits for a core: on 2 cores the two hashes in flight, the load generator (and Postgres, when it is the store) run beside it, and on a shared machine other work too.',
  'refresh-sqlite': (_row, r) => {
    const raw = r.sections.refresh?.sqlite?.raw?.opsPerSecond
    return `The raw floor is two prepared statements and a commit on a synchronous driver (${f0(raw)}/s, ${f0(1e6 / raw)} µs each), and the commit (WAL append and fsync) is most of it. A rotation pays that commit too, plus three reads, the session's \`last_used_at\` in the same transaction, sealing the successor for the grace window, a new Ed25519 signature (~25 µs) and Kysely's work per statement (query builder, compiler, connection mutex: ~15 µs for each of seven). Reading the token, session and user in one joined query was tried on SQLite and saved nothing measurable (one query, but a wider row), so only Postgres reads them in one.`
  },
  'refresh-postgres':
    "The database server shares the 2 cores with the client: a rotation is two statements (one read of token, session and user; one statement that rotates) against the raw side's four, but heavier ones, and the client spends CPU on Kysely and the Ed25519 signature on the same cores.",
  scale: (row, r) => {
    const db = row.id.includes('postgres') ? 'postgres' : 'sqlite'
    const raw = r.sections.scale?.[db]?.rawRefresh
    const rawRatio = raw ? raw['10k'].opsPerSecond / raw['1M'].opsPerSecond : undefined
    return `Every lookup is by an index. ${rawRatio ? `In the same run the raw UPDATE+INSERT transaction alone was ${f2(rawRatio)}× slower at 1M than at 10k: ` : ''}inserting random keys (a random id, a SHA-256 hash) into B-trees of 1M entries dirties pages spread over the whole file, so every commit appends more distinct pages to the WAL and every checkpoint copies more back. The rotation inherits that cost of size from the database and adds little of its own.`
  },
}

/** One paragraph per missed target: the shortfall and the reason. */
export function missNotes(missed, results) {
  return missed
    .map((row) => {
      if (row.holds === 'not measured')
        return `- **${row.label}**: not measured in this run${row.skipped ? ` (${row.skipped})` : ''}.`
      const [op, bound] = row.target
      const shortBy =
        op === '≥'
          ? `${((1 - row.value / bound) * 100).toFixed(0)}% below`
          : `${((row.value / bound - 1) * 100).toFixed(0)}% above`
      // The most specific note: `login-eld-sqlite` takes `login-eld`, not `login`.
      const key = Object.keys(why)
        .filter((k) => row.id.startsWith(k))
        .sort((a, b) => b.length - a.length)[0]
      const note = key === undefined ? '' : why[key]
      const reason = typeof note === 'function' ? note(row, results) : note
      return `- **${row.label}**: ${row.value.toFixed(2)}${row.unit ?? '×'} against ${op} ${bound}${row.unit ?? '×'}, ${shortBy} the target. ${reason}`
    })
    .join('\n')
}

// (f) In-process token check: `auth.authenticate(token)` (signature, alg pinning, iss/aud/typ, exp, revocation)
// against raw `jose.jwtVerify(token, key)` with the same Ed25519 key. "Repeat" sends 1,000 tokens in turn (the
// usual case: a client presents its token many times in its 15 minutes); "first sight" sends each token once.
import { runCase } from '../lib/child.mjs'
import { alternate } from '../lib/measure.mjs'
import { lib, rootImport } from '../lib/root.mjs'
import {
  defaultHash,
  loginMany,
  makeAuth,
  makeKeys,
  openSqlite,
  seedRevocations,
  seedUsers,
} from '../lib/setup.mjs'

/** Signs `count` tokens with the claims of `template` and fresh `jti`s, as portcullis would have. */
async function mintLike(jose, template, privateJwk, kid, count) {
  const key = await jose.importJWK({ ...privateJwk, alg: 'EdDSA' }, 'EdDSA')
  const { jti: _jti, iat: _iat, exp: _exp, sub, iss, aud, ...rest } = template
  const now = Math.floor(Date.now() / 1000)
  const tokens = []
  for (let i = 0; i < count; i++)
    tokens.push(
      await new jose.SignJWT(rest)
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
        .setSubject(sub)
        .setJti(`bench-${i}-${Math.random().toString(36).slice(2)}`)
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt(now)
        .setExpirationTime(now + 900)
        .sign(key),
    )
  return tokens
}

runCase(async ({ roundMs = 300, rounds = 10 }) => {
  const jose = await rootImport('jose')
  const { sqliteStore } = await lib('kysely')
  const db = openSqlite(':memory:')
  const store = sqliteStore(db)
  const { keys, publicKey, kid, privateJwk } = await makeKeys()
  const auth = await makeAuth({ store, keys })
  await auth.migrate()
  const emails = await seedUsers(auth, 10, await defaultHash())
  const [first] = await loginMany(auth, emails, 1)
  await seedRevocations(store, 1000)
  const template = jose.decodeJwt(first.accessToken)
  const repeat = await mintLike(jose, template, privateJwk, kid, 1000)
  const once = await mintLike(jose, template, privateJwk, kid, 45_000)
  let next = 0
  const result = await alternate(
    {
      authenticateRepeat: (i) => auth.authenticate(repeat[i % repeat.length]),
      authenticateFirstSight: () => {
        // Each token once: a second use would be a cache hit and flatter the first-sight figure.
        if (next >= once.length) throw new Error('ran out of first-sight tokens; mint more')
        return auth.authenticate(once[next++])
      },
      joseRepeat: (i) => jose.jwtVerify(repeat[i % repeat.length], publicKey),
    },
    { rounds, roundMs, warmupMs: 300 },
  )
  await auth.close()
  db.close()
  return { ...result, firstSightTokensUsed: next, firstSightTokens: once.length }
})

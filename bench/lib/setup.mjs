// What every portcullis case sets up the same way: a key ring, a SQLite file, an auth instance with a silent
// mailer and logger, and accounts inserted through the Store port with one precomputed argon2id hash.
import { mkdirSync, rmSync } from 'node:fs'
import { createPublicKey } from 'node:crypto'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { benchDir, lib, rootImport } from './root.mjs'

const require = createRequire(import.meta.url)

export const password = 'correct horse battery staple 42'
/** A placeholder as long as a portcullis id (22 characters), so bare and protected replies are equal in size. */
export const anonymous = 'anonymous-000000000000'
export const dataDir = join(benchDir, '.data')

/** A fresh path under bench/.data for one case's database (old files of the same name are removed). */
export function freshDbPath(name) {
  mkdirSync(dataDir, { recursive: true })
  const path = join(dataDir, `${name}.db`)
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
  return path
}

/**
 * Opens SQLite with better-sqlite3 (the driver Better Auth's SQLite setup uses too) and the pragmas that
 * portcullis' `sqliteStore(path)` sets for files it opens itself.
 */
export function openSqlite(path) {
  const Database = require('better-sqlite3')
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
  for (const extra of (process.env.BENCH_SQLITE_PRAGMAS ?? '').split(';').filter(Boolean)) db.pragma(extra)
  return db
}

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} }
const silentMailer = { async send() {} }

/** A key ring for one process, and its Ed25519 public key for checks outside portcullis. */
export async function makeKeys() {
  const { generateKeyRingSpec, serializeKeyRing } = await lib('index')
  const { randomBytes } = await import('node:crypto')
  const spec = generateKeyRingSpec((n) => new Uint8Array(randomBytes(n)))
  const jwt = spec.jwt[0]
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwt.jwk.x }, format: 'jwk' })
  return { keys: serializeKeyRing(spec), publicKey, kid: jwt.kid, privateJwk: jwt.jwk }
}

/** createAuth with production defaults, but rate limits as asked (off unless a case measures them). */
export async function makeAuth({ store, keys, rateLimits = false, rateStore, extra = {} }) {
  const { createAuth } = await lib('index')
  return createAuth({
    store,
    rateStore,
    keys,
    appUrl: 'http://127.0.0.1',
    mailer: silentMailer,
    logger: silentLogger,
    rateLimits: { enabled: rateLimits },
    ...extra,
  })
}

/** The argon2id hash of `password` with portcullis' default (OWASP) parameters, so logins never rehash. */
export async function defaultHash() {
  const { hash } = await rootImport('@node-rs/argon2')
  return hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 })
}

/** Inserts `count` verified accounts through the Store port; returns their emails. */
export async function seedUsers(auth, count, passwordHash, prefix = 'user') {
  const now = Date.now()
  const emails = []
  for (let i = 0; i < count; i++) {
    const email = `${prefix}${i}@bench.test`
    const id = `${prefix}-${String(i).padStart(16, '0')}`.slice(-22)
    await auth.store.createUser({
      id,
      email,
      emailNormalized: email,
      name: null,
      passwordHash,
      emailVerifiedAt: now,
      roles: ['employee'],
      status: 'active',
      tokenVersion: 0,
      locale: null,
      mfaEnabled: false,
      createdAt: now,
      updatedAt: now,
    })
    emails.push(email)
  }
  return emails
}

/** Logs in `count` times across `emails` (in parallel batches) and returns the sessions' tokens. */
export async function loginMany(auth, emails, count) {
  const tokens = []
  for (let i = 0; i < count; i += 8) {
    const batch = Array.from({ length: Math.min(8, count - i) }, (_, j) =>
      auth.login({ email: emails[(i + j) % emails.length], password }, requestContext),
    )
    for (const r of await Promise.all(batch)) tokens.push(r.tokens)
  }
  return tokens
}

/** Adds `count` live revocations of unrelated sessions, so the revocation check looks up a populated cache. */
export async function seedRevocations(store, count) {
  const now = Date.now()
  for (let i = 0; i < count; i++)
    await store.appendRevocation({
      kind: 'session',
      subject: `revoked-${String(i).padStart(14, '0')}`,
      minVersion: null,
      expiresAt: now + 15 * 60_000,
      createdAt: now,
    })
}

export const requestContext = { ip: '127.0.0.1', userAgent: 'bench', requestId: 'bench', locale: undefined }

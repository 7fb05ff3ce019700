// Bulk seeding for the scale case, straight in SQL (one statement per table, generated rows): N users with one
// argon2id hash, one session each with an active refresh token whose plaintext is `seed-refresh-<i>`, and 1% of
// the sessions revoked (their revocations live in the feed, so the revocation cache grows with N).
import { createHash } from 'node:crypto'

const day = 86_400_000

/** The plaintext refresh token of seeded session `i`. */
export const seedRefreshToken = (i) => `seed-refresh-${i}`
/** Seeded session `i` is revoked when this holds. */
export const seedRevoked = (i) => i % 100 === 0

export function seedSqlite(db, n, passwordHash) {
  const now = Date.now()
  db.function('bench_hash', { deterministic: true }, (s) =>
    createHash('sha256').update(s).digest('base64url'),
  )
  const series = 'with recursive seq(i) as (select 0 union all select i + 1 from seq where i < :last)'
  const p = { last: n - 1, now, hash: passwordHash, expires: now + 30 * day, revExp: now + 901_000 }
  db.transaction(() => {
    db.prepare(`${series} insert into pc_users (id, email, email_normalized, name, password_hash,
      email_verified_at, roles, status, token_version, locale, mfa_enabled, created_at, updated_at)
      select printf('u%021d', i), 'user' || i || '@bench.test', 'user' || i || '@bench.test', null, :hash,
      :now, '["employee"]', 'active', 0, null, 0, :now, :now from seq`).run(p)
    db.prepare(`${series} insert into pc_sessions (id, user_id, created_at, last_used_at, expires_at,
      revoked_at, revoked_reason, ip, user_agent, remember_me, amr, auth_time)
      select printf('s%021d', i), printf('u%021d', i), :now, :now, :expires,
      case when i % 100 = 0 then :now end, case when i % 100 = 0 then 'logout' end,
      '127.0.0.1', 'bench', 1, '["pwd"]', :now from seq`).run(p)
    db.prepare(`${series} insert into pc_refresh_tokens (id, session_id, user_id, token_hash, state,
      created_at, expires_at, rotated_at, successor_id, successor_sealed)
      select printf('r%021d', i), printf('s%021d', i), printf('u%021d', i), bench_hash('seed-refresh-' || i),
      'active', :now, :expires, null, null, null from seq`).run(p)
    db.prepare(`${series} insert into pc_revocations (kind, subject, min_version, expires_at, created_at)
      select 'session', printf('s%021d', i), null, :revExp, :now from seq where i % 100 = 0`).run(p)
  })()
  db.exec('analyze')
}

export async function seedPostgres(pool, n, passwordHash) {
  const now = Date.now()
  const v = { n: n - 1, now, hash: passwordHash, expires: now + 30 * day, revExp: now + 901_000 }
  const id = (prefix) => `'${prefix}' || lpad(i::text, 21, '0')`
  const series = `from generate_series(0, ${v.n}) as i`
  const b64url = (expr) =>
    `translate(rtrim(encode(sha256(convert_to(${expr}, 'UTF8')), 'base64'), '='), '+/', '-_')`
  await pool.query(
    `insert into pc_users (id, email, email_normalized, name, password_hash, email_verified_at, roles, status,
      token_version, locale, mfa_enabled, created_at, updated_at)
      select ${id('u')}, 'user' || i || '@bench.test', 'user' || i || '@bench.test', null, $1, $2,
      '["employee"]', 'active', 0, null, false, $2, $2 ${series}`,
    [v.hash, v.now],
  )
  await pool.query(
    `insert into pc_sessions (id, user_id, created_at, last_used_at, expires_at, revoked_at, revoked_reason, ip,
      user_agent, remember_me, amr, auth_time)
      select ${id('s')}, ${id('u')}, $1, $1, $2, case when i % 100 = 0 then $1::bigint end,
      case when i % 100 = 0 then 'logout' end, '127.0.0.1', 'bench', true, '["pwd"]', $1 ${series}`,
    [v.now, v.expires],
  )
  await pool.query(
    `insert into pc_refresh_tokens (id, session_id, user_id, token_hash, state, created_at, expires_at,
      rotated_at, successor_id, successor_sealed)
      select ${id('r')}, ${id('s')}, ${id('u')}, ${b64url("'seed-refresh-' || i")}, 'active', $1, $2,
      null, null, null ${series}`,
    [v.now, v.expires],
  )
  await pool.query(
    `insert into pc_revocations (kind, subject, min_version, expires_at, created_at)
      select 'session', ${id('s')}, null, $1, $2 ${series} where i % 100 = 0`,
    [v.revExp, v.now],
  )
  await pool.query('analyze')
}

import type { IssuedTokens, Principal, RequestContext } from '../auth-types.js'
import { signAccessToken } from '../crypto/access-token.js'
import { generateId, generateToken, hashToken } from '../crypto/tokens.js'
import { initialRefreshExpiry } from '../policy/refresh.js'
import type { Store } from '../ports.js'
import type { RevocationKind, SessionRecord, UserRecord } from '../types.js'
import { type Core, type FlowTx, publicUser } from './core.js'
import { noticeNewDevice } from './devices.js'

/** Signs an access token for a session of `user`. */
export async function issueAccessToken(
  core: Core,
  user: UserRecord,
  session: Pick<SessionRecord, 'id' | 'amr' | 'authTime'>,
): Promise<{ token: string; expiresAt: number; jti: string }> {
  const now = core.clock.now()
  const ttl = core.settings.accessToken.ttlSeconds
  const jti = generateId(core.random)
  const token = await signAccessToken(
    core.ring,
    core.audience,
    {
      sub: user.id,
      sid: session.id,
      jti,
      roles: user.roles,
      amr: session.amr,
      auth_time: Math.floor(session.authTime / 1000),
      ver: user.tokenVersion,
    },
    now,
    ttl,
  )
  return { token, expiresAt: Math.floor(now / 1000) * 1000 + ttl * 1000, jti }
}

/** Assembles the issued-token bundle from a fresh refresh token and a freshly signed access token. */
export async function bundleTokens(
  core: Core,
  user: UserRecord,
  session: SessionRecord,
  refresh: { token: string; expiresAt: number },
): Promise<IssuedTokens> {
  const access = await issueAccessToken(core, user, session)
  return {
    user: publicUser(user),
    sessionId: session.id,
    accessToken: access.token,
    expiresIn: core.settings.accessToken.ttlSeconds,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: refresh.token,
    refreshTokenExpiresAt: refresh.expiresAt,
    rememberMe: session.rememberMe,
  }
}

/**
 * Starts a session (a refresh-token family) for `user` through `tx` and returns its tokens.
 * `amr` lists the factors just proven; `authTime` is now.
 */
export async function startSession(
  core: Core,
  tx: Store,
  user: UserRecord,
  options: { rememberMe: boolean; amr: string[] },
  ctx: RequestContext,
): Promise<IssuedTokens> {
  const now = core.clock.now()
  const { tokenExpiresAt, sessionExpiresAt } = initialRefreshExpiry(core.refresh, options.rememberMe, now)
  const session: SessionRecord = {
    id: generateId(core.random),
    userId: user.id,
    createdAt: now,
    lastUsedAt: now,
    expiresAt: sessionExpiresAt,
    revokedAt: null,
    revokedReason: null,
    ip: ctx.ip,
    userAgent: ctx.userAgent?.slice(0, 512) ?? null,
    rememberMe: options.rememberMe,
    amr: options.amr,
    authTime: now,
  }
  const refreshToken = generateToken(core.random)
  await tx.createSession(session, {
    id: generateId(core.random),
    sessionId: session.id,
    userId: user.id,
    tokenHash: hashToken(refreshToken),
    state: 'active',
    createdAt: now,
    expiresAt: tokenExpiresAt,
    rotatedAt: null,
    successorId: null,
    successorSealed: null,
  })
  await noticeNewDevice(core, tx, user, ctx)
  return bundleTokens(core, user, session, { token: refreshToken, expiresAt: tokenExpiresAt })
}

/**
 * One revocation to publish: a session, one access token, every token of a user below a version, or one
 * API key by its SHA-256.
 */
export interface RevocationEntry {
  kind: RevocationKind
  subject: string
  minVersion?: number
}

/**
 * Publishes revocations so every instance refuses the access tokens they cover: written to the
 * store's feed in the flow's transaction, and applied to this process's cache once it commits.
 */
export async function publishRevocations(core: Core, tx: FlowTx, entries: RevocationEntry[]): Promise<void> {
  const now = core.clock.now()
  // Access tokens live at most ttlSeconds; after that nothing the entry refuses is still valid.
  const expiresAt = now + core.settings.accessToken.ttlSeconds * 1000 + 1000
  const records = entries.map((e) => ({
    kind: e.kind,
    subject: e.subject,
    minVersion: e.minVersion ?? null,
    expiresAt,
    createdAt: now,
  }))
  for (const r of records) await tx.store.appendRevocation(r)
  tx.afterCommit(() => {
    core.revocations.apply(records)
    core.revocationChannel?.publish(records).catch((error) =>
      core.logger.warn('revocation channel publish failed; other instances will poll', {
        error: String(error),
      }),
    )
  })
}

/** The principal's permissions, from the configured roles. */
export function principalFromClaims(
  core: Core,
  claims: {
    sub: string
    sid: string
    jti: string
    roles: string[]
    amr: string[]
    auth_time: number
    exp: number
  },
): Principal {
  return {
    user: { id: claims.sub, roles: claims.roles },
    userId: claims.sub,
    sessionId: claims.sid,
    tokenId: claims.jti,
    roles: claims.roles,
    permissions: core.permissionsOf(claims.roles),
    amr: claims.amr,
    authTime: claims.auth_time,
    expiresAt: claims.exp * 1000,
    via: 'access-token',
  }
}

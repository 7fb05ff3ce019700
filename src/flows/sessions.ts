import type { Principal, PublicUser, RequestContext, SessionView } from '../auth-types.js'
import { verifyAccessToken } from '../crypto/access-token.js'
import { AuthError } from '../errors.js'
import { deviceLabel } from '../policy/device.js'
import { audit, type Core, type FlowTx, inTransaction, iso, publicUser, requireString } from './core.js'
import { revokeAllTrustedDevices } from './mfa-devices.js'
import { principalFromClaims, publishRevocations, type RevocationEntry } from './tokens.js'

/**
 * Resolves an access token to its principal: one signature check and one in-memory revocation lookup,
 * no database round trip. A genuine token past its `exp` is TOKEN_EXPIRED (a refresh may help);
 * anything else that fails is UNAUTHENTICATED.
 */
export async function authenticate(
  core: Core,
  accessToken: string,
  ready: Promise<void>,
): Promise<Principal> {
  if (typeof accessToken !== 'string' || accessToken.length === 0) throw new AuthError('UNAUTHENTICATED')
  const result = await verifyAccessToken(core.ring, core.audience, accessToken, core.clock.now())
  if (!result.ok) throw new AuthError(result.reason === 'expired' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED')
  await ready
  if (core.revocations.isRevoked(result.claims)) throw new AuthError('UNAUTHENTICATED')
  return principalFromClaims(core, result.claims)
}

/** Ends this session: its refresh tokens stop working and its access tokens are refused everywhere. */
export async function logout(core: Core, principal: Principal, ctx: RequestContext): Promise<void> {
  await inTransaction(core, async (tx) => {
    await tx.store.revokeSession(principal.sessionId, 'logout', core.clock.now())
    await publishRevocations(core, tx, [
      { kind: 'session', subject: principal.sessionId },
      { kind: 'jti', subject: principal.tokenId },
    ])
    await audit(core, tx.store, ctx, {
      type: 'logout',
      userId: principal.userId,
      meta: { sessionId: principal.sessionId },
    })
  })
}

/** Ends every session of the user; the token version rises so older access tokens are refused too. */
export async function logoutAll(core: Core, principal: Principal, ctx: RequestContext): Promise<void> {
  await inTransaction(core, async (tx) => {
    await revokeEverySession(core, tx, principal.userId, 'logout_all')
    await audit(core, tx.store, ctx, { type: 'logout.all', userId: principal.userId })
  })
}

/** Revokes every session of a user (optionally but one) and raises the token version. */
export async function revokeEverySession(
  core: Core,
  tx: FlowTx,
  userId: string,
  reason: string,
  exceptSessionId?: string,
): Promise<void> {
  const now = core.clock.now()
  const revoked = await tx.store.revokeUserSessions(userId, reason, now, exceptSessionId)
  const entries: RevocationEntry[] = revoked.map((id) => ({ kind: 'session', subject: id }))
  if (exceptSessionId === undefined) {
    const version = await tx.store.incrementTokenVersion(userId, now)
    entries.push({ kind: 'user', subject: userId, minVersion: version })
    // Trusted devices end with every session: logout-all, password change and reset (http-contract.md).
    await revokeAllTrustedDevices(core, tx, userId, reason)
  }
  await publishRevocations(core, tx, entries)
}

/** The signed-in user's record as the user sees it. */
export async function me(core: Core, principal: Principal): Promise<PublicUser> {
  const user = await core.store.findUserById(principal.userId)
  if (!user) throw new AuthError('UNAUTHENTICATED')
  if (user.status !== 'active') throw new AuthError('ACCOUNT_DISABLED')
  return publicUser(user)
}

/** The user's live sessions, newest first, with the caller's own marked `current`. */
export async function listSessions(core: Core, principal: Principal): Promise<SessionView[]> {
  const sessions = await core.store.listActiveSessions(principal.userId, core.clock.now())
  return sessions.map((s) => ({
    id: s.id,
    current: s.id === principal.sessionId,
    createdAt: iso(s.createdAt),
    lastUsedAt: iso(s.lastUsedAt),
    expiresAt: iso(s.expiresAt),
    ip: s.ip,
    userAgent: s.userAgent,
    device: deviceLabel(s.userAgent),
  }))
}

/** Ends every session of the user but the caller's own (`DELETE /sessions`); returns how many ended. */
export async function revokeOtherSessions(
  core: Core,
  principal: Principal,
  ctx: RequestContext,
): Promise<{ revoked: number }> {
  assertSessionPrincipal(principal)
  return inTransaction(core, async (tx) => {
    const now = core.clock.now()
    const revoked = await tx.store.revokeUserSessions(
      principal.userId,
      'revoked_by_user',
      now,
      principal.sessionId,
    )
    await publishRevocations(
      core,
      tx,
      revoked.map((id) => ({ kind: 'session', subject: id })),
    )
    await audit(core, tx.store, ctx, {
      type: 'session.revoke',
      userId: principal.userId,
      meta: { others: true, sessionIds: revoked },
    })
    return { revoked: revoked.length }
  })
}

/** Session management needs a session: an API key is never a credential for it (UNAUTHENTICATED). */
export function assertSessionPrincipal(principal: Principal): void {
  if (principal.via !== 'access-token') throw new AuthError('UNAUTHENTICATED')
}

/** Revokes one of the user's sessions; another user's (or an unknown) id is NOT_FOUND. */
export async function revokeSession(
  core: Core,
  principal: Principal,
  sessionId: string,
  ctx: RequestContext,
): Promise<void> {
  requireString(sessionId, 'id', 128)
  await inTransaction(core, async (tx) => {
    const session = await tx.store.findSession(sessionId)
    const now = core.clock.now()
    if (
      !session ||
      session.userId !== principal.userId ||
      session.revokedAt !== null ||
      session.expiresAt <= now
    )
      throw new AuthError('NOT_FOUND')
    await tx.store.revokeSession(sessionId, 'revoked_by_user', now)
    await publishRevocations(core, tx, [{ kind: 'session', subject: sessionId }])
    await audit(core, tx.store, ctx, {
      type: 'session.revoke',
      userId: principal.userId,
      meta: { sessionId },
    })
  })
}

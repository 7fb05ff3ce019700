import type { IssuedTokens, RequestContext } from '../auth-types.js'
import { generateId, generateToken, hashToken } from '../crypto/tokens.js'
import { AuthError } from '../errors.js'
import { refreshDecision } from '../policy/refresh.js'
import type { RefreshContext, Store } from '../ports.js'
import type { RefreshTokenRecord, SessionRecord, UserRecord } from '../types.js'
import { audit, type Core, inTransaction, mailLocale, requireString, sendMail } from './core.js'
import { bundleTokens, publishRevocations } from './tokens.js'

const sealContext = (parentId: string) => `refresh-successor:${parentId}`

/**
 * Rotates a refresh token. The rotation is one compare-and-set in the store, so of N parallel refreshes
 * of one token exactly one rotates; the rest see a rotated token and are judged by the policy: the
 * immediate parent within the grace window gets the same successor again, anything else is reuse and
 * revokes the whole session.
 */
export async function refresh(core: Core, refreshToken: string, ctx: RequestContext): Promise<IssuedTokens> {
  requireString(refreshToken, 'refreshToken', 512)
  const tokenHash = hashToken(refreshToken)
  // Two rounds at most: a lost compare-and-set re-reads the token, which is then rotated.
  for (let round = 0; round < 2; round++) {
    const found = await readRefreshContext(core.store, tokenHash)
    if (!found) throw new AuthError('TOKEN_INVALID')
    const { token, session, user } = found
    if (!session || !user) throw new AuthError('TOKEN_INVALID')
    const successor = token.successorId ? await core.store.findRefreshTokenById(token.successorId) : null
    const now = core.clock.now()
    const view = {
      state: token.state,
      expiresAt: token.expiresAt,
      rotatedAt: token.rotatedAt,
      successorActive: successor?.state === 'active',
    }
    const decision = refreshDecision(view, session, core.refresh, session.rememberMe, now)
    switch (decision.type) {
      case 'invalid':
        throw new AuthError('TOKEN_INVALID')
      case 'expired':
        throw new AuthError('TOKEN_EXPIRED')
      case 'reuse':
        return revokeForReuse(core, token, session, user, ctx)
      case 'replay':
        return replay(core, token, session, user, successor!, ctx)
      case 'rotate': {
        if (user.status !== 'active') throw new AuthError('ACCOUNT_DISABLED')
        const rotated = await rotate(core, token, session, user, decision.nextExpiresAt)
        if (rotated) return rotated
      }
    }
  }
  throw new AuthError('TOKEN_INVALID')
}

/** The token with its session and user: one read where the store offers it, else three (two in parallel). */
async function readRefreshContext(store: Store, tokenHash: string): Promise<RefreshContext | null> {
  if (store.findRefreshContext) return store.findRefreshContext(tokenHash)
  const token = await store.findRefreshToken(tokenHash)
  if (!token) return null
  const [session, user] = await Promise.all([
    store.findSession(token.sessionId),
    store.findUserById(token.userId),
  ])
  return { token, session, user }
}

async function rotate(
  core: Core,
  token: RefreshTokenRecord,
  session: SessionRecord,
  user: UserRecord,
  nextExpiresAt: number,
): Promise<IssuedTokens | null> {
  const now = core.clock.now()
  const plaintext = generateToken(core.random)
  const next: RefreshTokenRecord = {
    id: generateId(core.random),
    sessionId: session.id,
    userId: user.id,
    tokenHash: hashToken(plaintext),
    state: 'active',
    createdAt: now,
    expiresAt: nextExpiresAt,
    rotatedAt: null,
    successorId: null,
    successorSealed: null,
  }
  // The successor is kept sealed only for the grace window, so a lost response can be replayed.
  const successorSealed = core.refresh.graceMs > 0 ? core.box.seal(plaintext, sealContext(token.id)) : null
  const won = await core.store.rotateRefreshToken({ currentId: token.id, next, successorSealed, now })
  if (!won) return null
  return bundleTokens(
    core,
    user,
    { ...session, lastUsedAt: now },
    { token: plaintext, expiresAt: nextExpiresAt },
  )
}

async function replay(
  core: Core,
  token: RefreshTokenRecord,
  session: SessionRecord,
  user: UserRecord,
  successor: RefreshTokenRecord,
  ctx: RequestContext,
): Promise<IssuedTokens> {
  const plaintext = token.successorSealed ? core.box.open(token.successorSealed, sealContext(token.id)) : null
  if (!plaintext || hashToken(plaintext) !== successor.tokenHash)
    return revokeForReuse(core, token, session, user, ctx)
  if (user.status !== 'active') throw new AuthError('ACCOUNT_DISABLED')
  return bundleTokens(core, user, session, { token: plaintext, expiresAt: successor.expiresAt })
}

async function revokeForReuse(
  core: Core,
  token: RefreshTokenRecord,
  session: SessionRecord,
  user: UserRecord,
  ctx: RequestContext,
): Promise<never> {
  await inTransaction(core, async (tx) => {
    const now = core.clock.now()
    if (await tx.store.revokeSession(session.id, 'refresh_reuse', now)) {
      await publishRevocations(core, tx, [{ kind: 'session', subject: session.id }])
      await audit(core, tx.store, ctx, {
        type: 'refresh.reuse',
        userId: user.id,
        meta: { sessionId: session.id, tokenId: token.id },
      })
      await sendMail(core, tx, user.email, { kind: 'refresh-reuse', at: now }, mailLocale(core, user, ctx))
    }
  })
  throw new AuthError('TOKEN_REUSED')
}

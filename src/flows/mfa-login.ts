import type { LoginResult, RequestContext } from '../auth-types.js'
import type { MfaLoginResult } from '../auth-types-mfa.js'
import { hashToken } from '../crypto/tokens.js'
import { AuthError } from '../errors.js'
import type { OneTimeTokenRecord, UserRecord } from '../types.js'
import { audit, type Core, inTransaction, requireString } from './core.js'
import { trustDevice } from './mfa-devices.js'
import { type FactorProof, proofOfCode, withSecondFactor } from './mfa-factor.js'
import { createOneTimeToken } from './one-time-token.js'
import { startSession } from './tokens.js'

/** The second factors a challenge accepts. */
const methods = ['totp', 'backup_code']

/**
 * Answers a right first factor of an MFA account with a challenge: a one-time `mfa-pending` token
 * (`mfa.pendingTokenTtlSeconds`, single use) bound to this login attempt, carrying its `rememberMe` and the
 * methods proven so far (`amr`, default `['pwd']`; a provider sign-in passes its own).
 */
export async function startMfaChallenge(
  core: Core,
  user: UserRecord,
  options: { rememberMe: boolean; amr?: string[] },
  _ctx: RequestContext,
): Promise<LoginResult> {
  const { token } = await inTransaction(core, (tx) =>
    createOneTimeToken(core, tx, {
      kind: 'mfa-pending',
      userId: user.id,
      ttlSeconds: core.settings.mfa.pendingTokenTtlSeconds,
      data: { rememberMe: options.rememberMe, amr: options.amr ?? ['pwd'] },
    }),
  )
  return { type: 'mfa', mfaToken: token, methods: [...methods] }
}

/** The proof of a `/login/mfa` body: exactly one of `code` (TOTP, or a backup code) and `backupCode`. */
function proofOf(input: { code?: unknown; backupCode?: unknown }): FactorProof {
  if ((input.code === undefined) === (input.backupCode === undefined))
    throw new AuthError('VALIDATION_FAILED', undefined, {
      details: [{ path: 'code', message: 'Give exactly one of code and backupCode' }],
    })
  if (input.backupCode !== undefined)
    return { type: 'backup_code', code: requireString(input.backupCode, 'backupCode', 64) }
  return proofOfCode(input.code)
}

/** The pending challenge of a token, without spending it; MFA_INVALID when unknown, used or expired. */
async function pendingChallenge(core: Core, mfaToken: string): Promise<OneTimeTokenRecord> {
  const record = await core.store.findOneTimeToken(hashToken(mfaToken))
  const usable =
    record?.kind === 'mfa-pending' && record.consumedAt === null && record.expiresAt > core.clock.now()
  if (!record || !usable) throw new AuthError('MFA_INVALID')
  return record
}

/**
 * The second login step. Order: token → factor lock (423) → code. The code is spent, the token consumed
 * and the session started in one transaction, so a typo leaves the challenge usable until it expires and
 * of parallel completions exactly one succeeds. amr is the first factor's plus `otp`.
 */
export async function completeMfaLogin(
  core: Core,
  input: { mfaToken: string; code?: string; backupCode?: string; trustDevice?: boolean },
  ctx: RequestContext,
): Promise<MfaLoginResult> {
  const mfaToken = requireString(input.mfaToken, 'mfaToken', 512)
  const proof = proofOf(input)
  if (input.trustDevice !== undefined && typeof input.trustDevice !== 'boolean')
    throw new AuthError('VALIDATION_FAILED', undefined, {
      details: [{ path: 'trustDevice', message: 'must be a boolean' }],
    })
  const pending = await pendingChallenge(core, mfaToken)
  const user = await core.store.findUserById(pending.userId)
  if (!user?.mfaEnabled) throw new AuthError('MFA_INVALID')
  if (user.status !== 'active') throw new AuthError('ACCOUNT_DISABLED')
  const rememberMe = pending.data?.rememberMe !== false
  const first = pending.data?.amr
  const amr = [
    ...(Array.isArray(first) && first.every((m) => typeof m === 'string') ? first : ['pwd']),
    'otp',
  ]
  return withSecondFactor(core, user, proof, ctx, async (tx) => {
    // Single use: of completions racing with two valid codes, the token's consume picks one; the loser's
    // spent code is rolled back with its transaction.
    if (!(await tx.store.consumeOneTimeToken(hashToken(mfaToken), 'mfa-pending', core.clock.now())))
      throw new AuthError('MFA_INVALID')
    const tokens = await startSession(core, tx.store, user, { rememberMe, amr }, ctx)
    await audit(core, tx.store, ctx, {
      type: 'login.success',
      userId: user.id,
      meta: { sessionId: tokens.sessionId, factor: proof.type },
    })
    const trustedDevice = input.trustDevice === true ? await trustDevice(core, tx, user, ctx) : null
    return { tokens, trustedDevice }
  })
}

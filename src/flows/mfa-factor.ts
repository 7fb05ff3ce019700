import type { RequestContext } from '../auth-types.js'
import { fromBase32 } from '../crypto/base32.js'
import { defaultTotpOptions, matchTotpStep } from '../crypto/totp.js'
import { generateId } from '../crypto/tokens.js'
import { AuthError } from '../errors.js'
import {
  backupCodeBytes,
  formatBackupCode,
  looksLikeBackupCode,
  normalizeBackupCode,
} from '../policy/backup-codes.js'
import { type LockoutDecision, type LockoutSettings, lockoutDecision } from '../policy/lockout.js'
import type { Store } from '../ports.js'
import type { BackupCodeRecord, TotpRecord, UserRecord } from '../types.js'
import { audit, type Core, type FlowTx, inTransaction, mailLocale, requireString, sendMail } from './core.js'

/** A submitted second factor: a TOTP code or a backup code. */
export type FactorProof = { type: 'totp'; code: string } | { type: 'backup_code'; code: string }

/** How many backup codes a set has. */
export const backupCodeCount = 10

/** The AES-GCM context of a user's TOTP secret: a secret sealed for one user never opens for another. */
export const totpContext = (userId: string) => `totp:${userId}`

/** The counter of wrong codes of one user: apart from the password counter, across challenges and IPs. */
export const mfaLockoutKey = (userId: string) => `lockout:mfa:${userId}`

/** The MFA lockout settings (config `mfa.lockout`). */
export function mfaLockout(core: Core): LockoutSettings {
  const l = core.settings.mfa.lockout
  return {
    threshold: l.threshold,
    windowMs: l.windowSeconds * 1000,
    lockMs: l.lockSeconds * 1000,
    progressive: false,
    maxLockMs: l.lockSeconds * 1000,
  }
}

/** A code field as a proof: six digits are a TOTP code, the Crockford `XXXX-XXXX` shape a backup code. */
export function proofOfCode(code: unknown, path = 'code'): FactorProof {
  const given = requireString(code, path, 64)
  return looksLikeBackupCode(given) ? { type: 'backup_code', code: given } : { type: 'totp', code: given }
}

/** The keyed hash a backup code is stored under; user-bound, so equal codes of two users differ. */
const backupCodeInput = (userId: string, normalized: string) => `backup-code:${userId}:${normalized}`

/** Ten fresh backup codes: the plaintext to show once, and the rows holding only their keyed hashes. */
export function newBackupCodes(core: Core, userId: string): { codes: string[]; records: BackupCodeRecord[] } {
  const codes = new Set<string>()
  for (let attempt = 0; codes.size < backupCodeCount; attempt++) {
    if (attempt > 100) throw new Error('portcullis: the Random port keeps returning the same bytes')
    codes.add(formatBackupCode(core.random.bytes(backupCodeBytes)))
  }
  const now = core.clock.now()
  const records = [...codes].map((code) => ({
    id: generateId(core.random),
    userId,
    // A keyed hash (HMAC with a ring secret): 40-bit codes would fall to brute force from a dump of plain hashes.
    codeHash: core.box.mac('hmac', backupCodeInput(userId, normalizeBackupCode(code)!)),
    createdAt: now,
    usedAt: null,
  }))
  return { codes: [...codes], records }
}

/** Opens a sealed TOTP secret; INTERNAL when the ring no longer holds the key it was sealed with. */
export function openTotpKey(core: Core, record: TotpRecord): Uint8Array {
  const secret = core.box.open(record.secretSealed, totpContext(record.userId))
  const key = secret === null ? null : fromBase32(secret)
  if (!key) throw new AuthError('INTERNAL', 'a TOTP secret does not open: was its key removed from the ring?')
  return key
}

/** The step a TOTP code matches (±1 step of drift) for the record's secret, or null. */
export function matchCode(core: Core, record: TotpRecord, code: string): number | null {
  const options = { ...defaultTotpOptions, windowSteps: 1 }
  return matchTotpStep(openTotpKey(core, record), code.replace(/\s/g, ''), core.clock.now(), options)
}

function lockedError(decision: Extract<LockoutDecision, { type: 'locked' }>): AuthError {
  return new AuthError('ACCOUNT_LOCKED', undefined, {
    retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
  })
}

/** Refuses (423) while the user's second factor is locked, before any code is looked at. */
export async function assertFactorOpen(core: Core, userId: string): Promise<boolean> {
  const state = await core.rateStore.getLockout(mfaLockoutKey(userId))
  const decision = lockoutDecision(state, mfaLockout(core), core.clock.now())
  if (decision.type === 'locked') throw lockedError(decision)
  return state !== undefined
}

/**
 * Spends a proof through `store` (the flow's transaction): a TOTP code whose step the store accepts
 * (once, and never after a newer step), or an unused backup code. Returns false for anything else.
 */
export async function spendFactor(
  core: Core,
  store: Store,
  userId: string,
  proof: FactorProof,
): Promise<boolean> {
  if (proof.type === 'totp') {
    const record = await store.findTotp(userId)
    if (!record || record.enabledAt === null) return false
    const step = matchCode(core, record, proof.code)
    // The store's conditional update is the replay guard; of parallel requests with one code, one wins.
    return step !== null && store.acceptTotpStep(userId, step)
  }
  const normalized = normalizeBackupCode(proof.code)
  if (normalized === null) return false
  // Every key of the ring is tried, so codes made before a secret rotation still work.
  const hashes = core.box.macCandidates('hmac', backupCodeInput(userId, normalized))
  return store.consumeBackupCode(userId, hashes, core.clock.now())
}

/** The notice and audit event of a spent backup code, in the flow's transaction. */
export async function noteBackupCodeUsed(
  core: Core,
  tx: FlowTx,
  user: UserRecord,
  ctx: RequestContext,
): Promise<void> {
  const remaining = await tx.store.countBackupCodes(user.id)
  await audit(core, tx.store, ctx, { type: 'mfa.backup_code.used', userId: user.id, meta: { remaining } })
  const intent = { kind: 'backup-code-used' as const, at: core.clock.now(), ip: ctx.ip, remaining }
  await sendMail(core, tx, user.email, intent, mailLocale(core, user, ctx))
}

/** Counts a wrong code against the MFA lockout and throws MFA_INVALID, or ACCOUNT_LOCKED from the limit on. */
export async function failFactor(core: Core, user: UserRecord, ctx: RequestContext): Promise<never> {
  // The atomic increment's own result decides, as for passwords: the 10th wrong code already answers 423.
  const failure = await core.rateStore.registerLoginFailure(
    mfaLockoutKey(user.id),
    mfaLockout(core),
    core.clock.now(),
  )
  await inTransaction(core, async (tx) => {
    await audit(core, tx.store, ctx, { type: 'login.failure', userId: user.id, meta: { factor: 'mfa' } })
    if (failure.lockedNow && failure.decision.type === 'locked')
      await audit(core, tx.store, ctx, {
        type: 'lockout',
        userId: user.id,
        meta: { factor: 'mfa', until: failure.decision.lockedUntil },
      })
  })
  if (failure.decision.type === 'locked') throw lockedError(failure.decision)
  throw new AuthError('MFA_INVALID')
}

/**
 * Checks a second factor and, in the same transaction, runs `action`: the proof is spent only if the
 * action commits. A wrong code counts toward the MFA lockout; a right one resets it.
 */
export async function withSecondFactor<T>(
  core: Core,
  user: UserRecord,
  proof: FactorProof,
  ctx: RequestContext,
  action: (tx: FlowTx) => Promise<T>,
): Promise<T> {
  const counted = await assertFactorOpen(core, user.id)
  const outcome = await inTransaction(core, async (tx) => {
    if (!(await spendFactor(core, tx.store, user.id, proof))) return { ok: false as const }
    if (proof.type === 'backup_code') await noteBackupCodeUsed(core, tx, user, ctx)
    return { ok: true as const, value: await action(tx) }
  })
  if (!outcome.ok) return failFactor(core, user, ctx)
  if (counted) await core.rateStore.clearLockout(mfaLockoutKey(user.id))
  return outcome.value
}

/**
 * The code a re-authentication carries, read before the password is checked: required (400
 * VALIDATION_FAILED) when the user has MFA on; null when MFA is off.
 */
export async function factorInput(core: Core, userId: string, code: unknown): Promise<FactorProof | null> {
  const user = await core.store.findUserById(userId)
  if (!user?.mfaEnabled) return null
  if (code === undefined)
    throw new AuthError('VALIDATION_FAILED', undefined, {
      details: [{ path: 'code', message: 'Required when MFA is on' }],
    })
  return proofOfCode(code)
}

/** `withSecondFactor` when there is a proof to check (MFA on), else a plain transaction. */
export function inFactorTransaction<T>(
  core: Core,
  user: UserRecord,
  proof: FactorProof | null,
  ctx: RequestContext,
  action: (tx: FlowTx) => Promise<T>,
): Promise<T> {
  return proof ? withSecondFactor(core, user, proof, ctx, action) : inTransaction(core, action)
}

import { generateToken, hashToken } from '../crypto/tokens.js'
import { AuthError } from '../errors.js'
import type { OneTimeTokenKind, OneTimeTokenRecord } from '../types.js'
import type { Core, FlowTx } from './core.js'

/** Creates a one-time token through the flow's transaction; returns the plaintext (for the mail link only). */
export async function createOneTimeToken(
  core: Core,
  tx: FlowTx,
  input: {
    kind: OneTimeTokenKind
    userId: string
    ttlSeconds: number
    data?: Record<string, unknown>
    replaceExisting?: boolean
  },
): Promise<{ token: string; expiresAt: number }> {
  const token = generateToken(core.random)
  const now = core.clock.now()
  const expiresAt = now + input.ttlSeconds * 1000
  await tx.store.createOneTimeToken(
    {
      tokenHash: hashToken(token),
      kind: input.kind,
      userId: input.userId,
      createdAt: now,
      expiresAt,
      consumedAt: null,
      data: input.data ?? null,
    },
    { replaceExisting: input.replaceExisting ?? false },
  )
  return { token, expiresAt }
}

/**
 * Reads a token that is about to be consumed, to fail early with the right code (before any slow work
 * such as hashing a new password). Throws TOKEN_INVALID for unknown, used or foreign-kind tokens and
 * TOKEN_EXPIRED for expired ones.
 */
export async function peekOneTimeToken(
  core: Core,
  kind: OneTimeTokenKind,
  token: string,
): Promise<OneTimeTokenRecord> {
  const record = await core.store.findOneTimeToken(hashToken(token))
  return checkUsable(record, kind, core.clock.now())
}

/** Consumes a token atomically inside the flow's transaction; exactly one concurrent caller succeeds. */
export async function consumeOneTimeToken(
  core: Core,
  tx: FlowTx,
  kind: OneTimeTokenKind,
  token: string,
): Promise<OneTimeTokenRecord> {
  const tokenHash = hashToken(token)
  const now = core.clock.now()
  const record = await tx.store.consumeOneTimeToken(tokenHash, kind, now)
  if (record) return record
  // Lost the race or never valid: read it once more only to pick the error code.
  checkUsable(await tx.store.findOneTimeToken(tokenHash), kind, now)
  throw new AuthError('TOKEN_INVALID')
}

function checkUsable(
  record: OneTimeTokenRecord | null,
  kind: OneTimeTokenKind,
  now: number,
): OneTimeTokenRecord {
  if (!record || record.kind !== kind || record.consumedAt !== null) throw new AuthError('TOKEN_INVALID')
  if (record.expiresAt <= now) throw new AuthError('TOKEN_EXPIRED')
  return record
}

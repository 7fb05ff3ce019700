import type { Principal, RequestContext } from '../auth-types.js'
import type { TrustedDeviceView } from '../auth-types-mfa.js'
import { generateId, generateToken, hashToken } from '../crypto/tokens.js'
import { AuthError } from '../errors.js'
import type { UserRecord } from '../types.js'
import { audit, type Core, type FlowTx, inTransaction, iso, requireString } from './core.js'

/**
 * Makes the current browser a trusted device of `user` for `mfa.trustedDeviceDays`: returns the opaque
 * token for the `<p>device` cookie; only its SHA-256 is stored.
 */
export async function trustDevice(
  core: Core,
  tx: FlowTx,
  user: UserRecord,
  ctx: RequestContext,
): Promise<{ token: string; expiresAt: number }> {
  const now = core.clock.now()
  const token = generateToken(core.random)
  const expiresAt = now + core.settings.mfa.trustedDeviceDays * 86_400_000
  const id = generateId(core.random)
  await tx.store.createTrustedDevice({
    id,
    userId: user.id,
    tokenHash: hashToken(token),
    createdAt: now,
    lastUsedAt: now,
    expiresAt,
    userAgent: ctx.userAgent?.slice(0, 512) ?? null,
    ip: ctx.ip,
  })
  await audit(core, tx.store, ctx, {
    type: 'mfa.trusted_device.add',
    userId: user.id,
    meta: { deviceId: id },
  })
  return { token, expiresAt }
}

/**
 * Whether `token` (the `<p>device` cookie) is a live trusted device of `user`; a device of another
 * account (a shared computer) does not count. A match records its use.
 */
export async function isTrustedDevice(core: Core, user: UserRecord, token: unknown): Promise<boolean> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 512) return false
  const now = core.clock.now()
  const device = await core.store.findTrustedDevice(hashToken(token), now)
  if (!device || device.userId !== user.id) return false
  await core.store.touchTrustedDevice(device.id, now)
  return true
}

/**
 * Revokes every trusted device of a user in the flow's transaction (logout-all, password change and reset,
 * MFA disable), auditing how many went.
 */
export async function revokeAllTrustedDevices(
  core: Core,
  tx: FlowTx,
  userId: string,
  reason: string,
): Promise<void> {
  const count = await tx.store.revokeTrustedDevices(userId)
  if (count > 0)
    await audit(core, tx.store, null, { type: 'mfa.trusted_device.remove', userId, meta: { count, reason } })
}

/** The user's live trusted devices, newest first. */
export async function listTrustedDevices(core: Core, userId: string): Promise<TrustedDeviceView[]> {
  const devices = await core.store.listTrustedDevices(userId, core.clock.now())
  return devices.map((d) => ({
    id: d.id,
    createdAt: iso(d.createdAt),
    lastUsedAt: iso(d.lastUsedAt),
    userAgent: d.userAgent,
  }))
}

/** Revokes one trusted device of the signed-in user; another user's (or an unknown) id is NOT_FOUND. */
export async function revokeTrustedDevice(
  core: Core,
  principal: Principal,
  id: string,
  ctx: RequestContext,
): Promise<void> {
  requireString(id, 'id', 128)
  await inTransaction(core, async (tx) => {
    if (!(await tx.store.revokeTrustedDevice(principal.userId, id))) throw new AuthError('NOT_FOUND')
    await audit(core, tx.store, ctx, {
      type: 'mfa.trusted_device.remove',
      userId: principal.userId,
      meta: { deviceId: id },
    })
  })
}

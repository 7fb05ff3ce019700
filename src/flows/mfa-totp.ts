import type { Principal, RequestContext } from '../auth-types.js'
import type { MfaStatus, TotpSetup } from '../auth-types-mfa.js'
import { toBase32 } from '../crypto/base32.js'
import { AuthError } from '../errors.js'
import type { UserRecord } from '../types.js'
import { reauthenticate } from './account.js'
import { audit, type Core, inTransaction, requireString } from './core.js'
import { listTrustedDevices, revokeAllTrustedDevices } from './mfa-devices.js'
import { matchCode, newBackupCodes, proofOfCode, totpContext, withSecondFactor } from './mfa-factor.js'

/** Bytes of a TOTP secret: 160 bits, the HMAC-SHA-1 block RFC 4226 §4 recommends. */
const secretBytes = 20

async function activeUser(core: Core, principal: Principal): Promise<UserRecord> {
  const user = await core.store.findUserById(principal.userId)
  if (!user) throw new AuthError('UNAUTHENTICATED')
  if (user.status !== 'active') throw new AuthError('ACCOUNT_DISABLED')
  return user
}

const alreadyOn = () => new AuthError('CONFLICT', 'Two-factor authentication is already on.')
const notOn = () => new AuthError('CONFLICT', 'Two-factor authentication is not on.')

/** The Key Uri Format URL authenticator apps scan. */
export function otpauthUrl(issuer: string, account: string, secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`
  const query = `secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`
  return `otpauth://totp/${label}?${query}`
}

async function qrSvg(text: string): Promise<string> {
  // qrcode is an optional peer dependency, loaded only when a secret is set up.
  const qrcode = await import('qrcode').catch((cause: unknown) => {
    throw new AuthError('INTERNAL', 'TOTP setup needs the optional dependency `qrcode`', { cause })
  })
  return qrcode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
}

/** The signed-in user's MFA state. */
export async function mfaStatus(core: Core, principal: Principal): Promise<MfaStatus> {
  const user = await activeUser(core, principal)
  return {
    totpEnabled: user.mfaEnabled,
    backupCodesRemaining: user.mfaEnabled ? await core.store.countBackupCodes(user.id) : 0,
    trustedDevices: await listTrustedDevices(core, user.id),
  }
}

/** Creates a pending secret (sealed at rest), replacing an earlier pending one. */
export async function setupTotp(core: Core, principal: Principal, _ctx: RequestContext): Promise<TotpSetup> {
  const user = await activeUser(core, principal)
  if (user.mfaEnabled) throw alreadyOn()
  const secret = toBase32(core.random.bytes(secretBytes))
  const saved = await core.store.saveTotpSetup({
    userId: user.id,
    secretSealed: core.box.seal(secret, totpContext(user.id)),
    enabledAt: null,
    lastStep: null,
    createdAt: core.clock.now(),
  })
  if (!saved) throw alreadyOn()
  const url = otpauthUrl(core.settings.mfa.issuer ?? core.settings.mail.appName, user.email, secret)
  return { secret, otpauthUrl: url, qrSvg: await qrSvg(url) }
}

/**
 * Turns TOTP on with a code of the pending secret (its step becomes the last accepted one, so the same
 * code cannot sign in afterwards); returns 10 backup codes, shown this once.
 */
export async function enableTotp(
  core: Core,
  principal: Principal,
  input: { code: string },
  ctx: RequestContext,
): Promise<{ backupCodes: string[] }> {
  const code = requireString(input.code, 'code', 64)
  const user = await activeUser(core, principal)
  if (user.mfaEnabled) throw alreadyOn()
  const pending = await core.store.findTotp(user.id)
  if (!pending) throw new AuthError('CONFLICT', 'Set up TOTP first.')
  if (pending.enabledAt !== null) throw alreadyOn()
  const step = matchCode(core, pending, code)
  if (step === null) throw new AuthError('MFA_INVALID')
  const { codes, records } = newBackupCodes(core, user.id)
  await inTransaction(core, async (tx) => {
    const now = core.clock.now()
    if (!(await tx.store.enableTotp(user.id, pending.secretSealed, step, now))) {
      // Enabled meanwhile by a parallel request, or the pending secret was replaced by a new setup.
      throw (await tx.store.findTotp(user.id))?.enabledAt != null ? alreadyOn() : new AuthError('MFA_INVALID')
    }
    await tx.store.updateUser(user.id, { mfaEnabled: true }, now)
    await tx.store.replaceBackupCodes(user.id, records)
    await audit(core, tx.store, ctx, { type: 'mfa.enable', userId: user.id, meta: { method: 'totp' } })
  })
  return { backupCodes: codes }
}

/** Validates a re-authentication body, then checks the password first and the code second. */
async function reauthenticateBoth(
  core: Core,
  principal: Principal,
  input: { password: string; code: string },
  ctx: RequestContext,
) {
  requireString(input.password, 'password')
  const proof = proofOfCode(input.code)
  if (!(await activeUser(core, principal)).mfaEnabled) throw notOn()
  // A wrong password is 403 INVALID_CREDENTIALS before the code is looked at, so it is not spent.
  const user = await reauthenticate(core, principal, input.password, ctx)
  return { user, proof }
}

/** Turns MFA off: secret, backup codes and every trusted device go. */
export async function disableTotp(
  core: Core,
  principal: Principal,
  input: { password: string; code: string },
  ctx: RequestContext,
): Promise<void> {
  const { user, proof } = await reauthenticateBoth(core, principal, input, ctx)
  await withSecondFactor(core, user, proof, ctx, async (tx) => {
    await tx.store.deleteTotp(user.id)
    await tx.store.replaceBackupCodes(user.id, [])
    await revokeAllTrustedDevices(core, tx, user.id, 'mfa_disable')
    await tx.store.updateUser(user.id, { mfaEnabled: false }, core.clock.now())
    await audit(core, tx.store, ctx, { type: 'mfa.disable', userId: user.id })
  })
}

/** Replaces every backup code with a new set of 10; the old ones stop working at once. */
export async function regenerateBackupCodes(
  core: Core,
  principal: Principal,
  input: { password: string; code: string },
  ctx: RequestContext,
): Promise<{ backupCodes: string[] }> {
  const { user, proof } = await reauthenticateBoth(core, principal, input, ctx)
  const { codes, records } = newBackupCodes(core, user.id)
  await withSecondFactor(core, user, proof, ctx, (tx) => tx.store.replaceBackupCodes(user.id, records))
  return { backupCodes: codes }
}

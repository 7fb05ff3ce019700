import type { RequestContext } from '../auth-types.js'
import type { OAuthOutcome } from '../auth-types-oauth.js'
import type { UserRecord } from '../types.js'
import type { Core } from './core.js'
import { startMfaChallenge } from './mfa-login.js'

/**
 * The second factor after a provider sign-in, exactly as after a right password: an MFA account gets the
 * same challenge (an `mfaToken` for `POST /login/mfa`) instead of a session; null lets the sign-in proceed.
 * The trusted-device cookie is not consulted: its Path is `<mount>/login`, so the callback never sees it.
 */
export async function providerSecondFactor(
  core: Core,
  user: UserRecord,
  ctx: RequestContext,
): Promise<Extract<OAuthOutcome, { type: 'mfa' }> | null> {
  if (!user.mfaEnabled) return null
  // The challenge carries `fed`, so a completed sign-in's amr is ['fed', 'otp'], not a password's.
  const challenge = await startMfaChallenge(core, user, { rememberMe: true, amr: ['fed'] }, ctx)
  return challenge.type === 'mfa' ? challenge : null
}

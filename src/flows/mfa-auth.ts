import type { MfaAuth } from '../auth-types-mfa.js'
import type { Core } from './core.js'
import { revokeTrustedDevice } from './mfa-devices.js'
import { completeMfaLogin } from './mfa-login.js'
import { disableTotp, enableTotp, mfaStatus, regenerateBackupCodes, setupTotp } from './mfa-totp.js'

/** The MFA methods of the auth instance, bound to its core (`createAuth` spreads them in). */
export function mfaMethods(core: Core): MfaAuth {
  return {
    mfaStatus: (p) => mfaStatus(core, p),
    setupTotp: (p, ctx) => setupTotp(core, p, ctx),
    enableTotp: (p, input, ctx) => enableTotp(core, p, input, ctx),
    disableTotp: (p, input, ctx) => disableTotp(core, p, input, ctx),
    regenerateBackupCodes: (p, input, ctx) => regenerateBackupCodes(core, p, input, ctx),
    completeMfaLogin: (input, ctx) => completeMfaLogin(core, input, ctx),
    revokeTrustedDevice: (p, id, ctx) => revokeTrustedDevice(core, p, id, ctx),
  }
}

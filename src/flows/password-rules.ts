import { verifyPassword } from '../crypto/password-hash.js'
import { AuthError } from '../errors.js'
import { checkPassword, passwordRuleMessage } from '../policy/password.js'
import type { Core } from './core.js'

/** Throws PASSWORD_POLICY listing every rule the password breaks. */
export function assertPasswordAllowed(
  core: Core,
  password: string,
  context: { email?: string; name?: string },
): void {
  const result = checkPassword(core.passwordPolicy, password, context)
  if (!result.ok) throw new AuthError('PASSWORD_POLICY', undefined, { details: result.violations })
}

/** Throws PASSWORD_POLICY (`not_current`) when the new password equals the one stored in `currentHash`. */
export async function assertNotCurrent(
  core: Core,
  password: string,
  currentHash: string | null,
): Promise<void> {
  if (currentHash && (await verifyPassword(currentHash, password))) {
    const rule = 'not_current' as const
    throw new AuthError('PASSWORD_POLICY', undefined, {
      details: [{ rule, message: passwordRuleMessage(core.passwordPolicy, rule) }],
    })
  }
}

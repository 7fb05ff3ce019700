import type { AuthSettings } from './config.js'
import { ConfigError } from './config.js'
import {
  generateKeyRingSpec,
  type KeyRing,
  KeyRingError,
  loadKeyRing,
  parseKeyRingSpec,
} from './crypto/key-ring.js'
import { defaultPasswordPolicy, nistPasswordPolicy, type PasswordPolicy } from './policy/password.js'
import type { Logger, Random } from './ports.js'

// What `createAuth` resolves from the validated settings once, before anything runs.

/** The configured key ring, or (outside production only) an in-memory development ring with a warning. */
export function loadRing(
  settings: AuthSettings,
  production: boolean,
  random: Random,
  logger: Logger,
): KeyRing {
  try {
    if (settings.keys) return loadKeyRing(parseKeyRingSpec(settings.keys))
  } catch (error) {
    if (error instanceof KeyRingError)
      throw new ConfigError(`invalid portcullis config:\n  - ${error.message}`)
    throw error
  }
  if (production)
    throw new ConfigError(
      'invalid portcullis config:\n  - keys: required in production (run `npx portcullis keys`)',
    )
  logger.warn(
    'no `keys` configured: using an in-memory development key ring; tokens will not survive a restart',
  )
  return loadKeyRing(generateKeyRingSpec((n) => random.bytes(n)))
}

/** The password policy: the preset with the settings' overrides on top. */
export function resolvePasswordPolicy(settings: AuthSettings): PasswordPolicy {
  const { preset, ...overrides } = settings.password
  const base = preset === 'nist' ? nistPasswordPolicy : defaultPasswordPolicy
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined))
  const policy = { ...base, ...defined }
  if (policy.minLength > policy.maxLength)
    throw new ConfigError(
      'invalid portcullis config:\n  - password.minLength: must not exceed password.maxLength',
    )
  return policy
}

/** The permissions the roles grant; `*` stands for all of them. */
export function permissionsOf(settings: AuthSettings, roles: readonly string[]): string[] {
  const granted = new Set<string>()
  for (const role of roles) for (const p of settings.roles[role] ?? []) granted.add(p)
  return granted.has('*') ? ['*'] : [...granted]
}

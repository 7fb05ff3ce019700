import type { PublicUser } from '../auth-types.js'
import { hashPassword } from '../crypto/password-hash.js'
import { AuthError } from '../errors.js'
import {
  audit,
  type Core,
  inTransaction,
  normalizeEmail,
  publicUser,
  requireEmail,
  requireString,
  newUserRecord,
} from './core.js'
import { assertPasswordAllowed } from './password-rules.js'

/** Creates or updates an account outside the sign-up flow (seeding and tooling); policy-checked. */
export async function provisionUser(
  core: Core,
  input: { email: string; password: string; name?: string; roles?: string[]; verified?: boolean },
): Promise<PublicUser> {
  const email = requireEmail(input.email)
  const password = requireString(input.password, 'password')
  const roles = input.roles ?? [core.settings.defaultRole]
  const unknown = roles.filter((r) => !(r in core.settings.roles))
  if (unknown.length > 0)
    throw new AuthError('VALIDATION_FAILED', undefined, {
      details: [{ path: 'roles', message: `unknown roles: ${unknown.join(', ')}` }],
    })
  assertPasswordAllowed(core, password, { email, name: input.name })
  const passwordHash = await hashPassword(password, core.hashParams)
  const now = core.clock.now()
  const verifiedAt = input.verified === false ? null : now
  return inTransaction(core, async (tx) => {
    const existing = await tx.store.findUserByEmail(normalizeEmail(email))
    const patch = {
      passwordHash,
      roles,
      name: input.name ?? existing?.name ?? null,
      status: 'active' as const,
    }
    const user = existing
      ? await tx.store.updateUser(
          existing.id,
          { ...patch, emailVerifiedAt: existing.emailVerifiedAt ?? verifiedAt },
          now,
        )
      : await createProvisioned(core, tx.store, { email, ...patch, emailVerifiedAt: verifiedAt }, now)
    if (!user) throw new AuthError('CONFLICT')
    await audit(core, tx.store, null, {
      type: existing ? 'role.change' : 'register',
      userId: user.id,
      actorId: null,
      meta: { provisioned: true, roles },
    })
    return publicUser(user)
  })
}

async function createProvisioned(
  core: Core,
  store: Core['store'],
  fields: {
    email: string
    passwordHash: string
    roles: string[]
    name: string | null
    emailVerifiedAt: number | null
  },
  now: number,
) {
  const user = newUserRecord(core, { ...fields, locale: null }, now)
  return (await store.createUser(user)) ? user : null
}

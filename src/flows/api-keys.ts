import type { ApiKeyInput, ApiKeyView, IssuedApiKey } from '../auth-types-admin.js'
import type { Principal, RequestContext } from '../auth-types.js'
import { generateId, generateToken, hashToken } from '../crypto/tokens.js'
import { AuthError } from '../errors.js'
import { parseCidr } from '../http/ip-address.js'
import { requireRecentAuth } from '../policy/step-up.js'
import type { ApiKeyRecord } from '../types.js'
import { audit, type Core, inTransaction, iso, requireString } from './core.js'
import { assertSessionPrincipal } from './sessions.js'
import { publishRevocations } from './tokens.js'

const DAY_MS = 86_400_000
/** The length of `prefix`: the tag, `_`, and enough characters for a person to tell keys apart. */
const PREFIX_LENGTH = 11
const scopeName = /^[a-z][a-z0-9_.:-]{0,63}$/

/** A key as its owner sees it: never the key, nor its hash. */
export function apiKeyView(key: ApiKeyRecord): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: [...key.scopes],
    allowedIps: [...key.allowedIps],
    expiresAt: key.expiresAt === null ? null : iso(key.expiresAt),
    lastUsedAt: key.lastUsedAt === null ? null : iso(key.lastUsedAt),
    usageCount: key.usageCount,
    createdAt: iso(key.createdAt),
  }
}

/** A fresh key: `<tag>_` + 32 random bytes in base64url (43 characters), with its hash and prefix. */
function mintKey(core: Core): { key: string; keyHash: string; prefix: string } {
  const key = `${core.settings.apiKeys.tag}_${generateToken(core.random, 32)}`
  return { key, keyHash: hashToken(key), prefix: key.slice(0, PREFIX_LENGTH) }
}

const invalid = (path: string, message: string) =>
  new AuthError('VALIDATION_FAILED', undefined, { details: [{ path, message }] })

function checkScopes(core: Core, scopes: unknown): string[] {
  if (scopes === undefined) return []
  if (
    !Array.isArray(scopes) ||
    scopes.length > 20 ||
    scopes.some((s) => typeof s !== 'string' || !scopeName.test(s))
  )
    throw invalid('scopes', 'must be at most 20 scope names such as reports:read')
  const allowed = core.settings.apiKeys.scopes
  const unknown = allowed ? scopes.filter((s) => !allowed.includes(s)) : []
  if (unknown.length > 0) throw invalid('scopes', `unknown scopes: ${unknown.join(', ')}`)
  return [...new Set(scopes as string[])]
}

function checkAllowedIps(allowedIps: unknown): string[] {
  if (allowedIps === undefined) return []
  if (!Array.isArray(allowedIps) || allowedIps.length > 20 || allowedIps.some((s) => typeof s !== 'string'))
    throw invalid('allowedIps', 'must be at most 20 IP addresses or CIDR ranges')
  return (allowedIps as string[]).map((entry, i) => {
    try {
      parseCidr(entry)
    } catch {
      throw invalid(`allowedIps.${i}`, 'must be an IP address or a CIDR range such as 203.0.113.0/24')
    }
    return entry.trim()
  })
}

function checkExpiry(core: Core, expiresInDays: unknown, now: number): number | null {
  const max = core.settings.apiKeys.maxExpiresInDays
  const days = expiresInDays ?? max
  if (days === undefined) return null
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > (max ?? 3650))
    throw invalid('expiresInDays', `must be a whole number of days from 1 to ${max ?? 3650}`)
  return now + days * DAY_MS
}

/**
 * Creates an API key for the signed-in user. Needs a session (never another key) whose last factor check is
 * recent (STEP_UP_REQUIRED otherwise): a stolen access token alone should not mint a long-lived credential.
 */
export async function createApiKey(
  core: Core,
  principal: Principal,
  input: ApiKeyInput,
  ctx: RequestContext,
): Promise<IssuedApiKey> {
  assertSessionPrincipal(principal)
  const now = core.clock.now()
  const name = requireString(input.name, 'name', 100).trim()
  if (name === '') throw invalid('name', 'must not be blank')
  const record = {
    scopes: checkScopes(core, input.scopes),
    allowedIps: checkAllowedIps(input.allowedIps),
    expiresAt: checkExpiry(core, input.expiresInDays, now),
  }
  requireRecentAuth(principal, now, core.settings.mfa.stepUpMaxAgeSeconds)
  const live = await core.store.listApiKeys(principal.userId)
  if (live.length >= core.settings.apiKeys.maxPerUser)
    throw new AuthError('CONFLICT', 'Too many API keys; delete one first.')
  const minted = mintKey(core)
  const key: ApiKeyRecord = {
    id: generateId(core.random),
    userId: principal.userId,
    name,
    prefix: minted.prefix,
    keyHash: minted.keyHash,
    ...record,
    createdAt: now,
    lastUsedAt: null,
    usageCount: 0,
    rotatedAt: null,
    revokedAt: null,
  }
  await inTransaction(core, async (tx) => {
    await tx.store.createApiKey(key)
    await audit(core, tx.store, ctx, {
      type: 'api_key.create',
      userId: principal.userId,
      meta: { keyId: key.id, name, prefix: key.prefix, scopes: key.scopes, expiresAt: key.expiresAt },
    })
  })
  return { apiKey: apiKeyView(key), key: minted.key }
}

/** The signed-in user's keys, newest first. */
export async function listApiKeys(core: Core, principal: Principal): Promise<ApiKeyView[]> {
  assertSessionPrincipal(principal)
  return (await core.store.listApiKeys(principal.userId)).map(apiKeyView)
}

/** The caller's own live key, or NOT_FOUND (another user's id answers exactly like an unknown one). */
async function ownKey(store: Core['store'], principal: Principal, id: string): Promise<ApiKeyRecord> {
  const key = await store.findApiKey(requireString(id, 'id', 128))
  if (!key || key.userId !== principal.userId || key.revokedAt !== null) throw new AuthError('NOT_FOUND')
  return key
}

/** Deletes one of the user's keys; it is refused from the next request on, on every instance. */
export async function revokeApiKey(
  core: Core,
  principal: Principal,
  id: string,
  ctx: RequestContext,
): Promise<void> {
  assertSessionPrincipal(principal)
  await inTransaction(core, async (tx) => {
    const key = await ownKey(tx.store, principal, id)
    if (!(await tx.store.revokeApiKey(principal.userId, key.id, core.clock.now())))
      throw new AuthError('NOT_FOUND')
    // A rotation that committed between the read and the revoke changed the hash: refuse both.
    const current = await tx.store.findApiKey(key.id)
    const hashes = new Set([key.keyHash, current?.keyHash ?? key.keyHash])
    await publishRevocations(
      core,
      tx,
      [...hashes].map((subject) => ({ kind: 'api-key', subject })),
    )
    await audit(core, tx.store, ctx, {
      type: 'api_key.revoke',
      userId: principal.userId,
      meta: { keyId: key.id, prefix: key.prefix },
    })
  })
}

/**
 * Replaces one of the user's keys with a fresh one (same id, name, scopes, limits and expiry): the old key is
 * refused from the next request on, on every instance. Like creation it needs a recent factor check. Of
 * concurrent rotations of one key one wins; the others answer CONFLICT.
 */
export async function rotateApiKey(
  core: Core,
  principal: Principal,
  id: string,
  ctx: RequestContext,
): Promise<IssuedApiKey> {
  assertSessionPrincipal(principal)
  const minted = mintKey(core)
  return inTransaction(core, async (tx) => {
    const key = await ownKey(tx.store, principal, id)
    requireRecentAuth(principal, core.clock.now(), core.settings.mfa.stepUpMaxAgeSeconds)
    const rotated = await tx.store.rotateApiKey({
      userId: principal.userId,
      id: key.id,
      currentHash: key.keyHash,
      nextHash: minted.keyHash,
      nextPrefix: minted.prefix,
      now: core.clock.now(),
    })
    if (!rotated)
      throw new AuthError('CONFLICT', 'The key was changed meanwhile; list the keys and try again.')
    await publishRevocations(core, tx, [{ kind: 'api-key', subject: key.keyHash }])
    await audit(core, tx.store, ctx, {
      type: 'api_key.rotate',
      userId: principal.userId,
      meta: { keyId: key.id, previousPrefix: key.prefix, prefix: rotated.prefix },
    })
    return { apiKey: apiKeyView(rotated), key: minted.key }
  })
}

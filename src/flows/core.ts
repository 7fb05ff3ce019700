import type { PublicUser, RequestContext } from '../auth-types.js'
import type { AuthSettings } from '../config.js'
import type { TokenAudience } from '../crypto/access-token.js'
import type { KeyRing } from '../crypto/key-ring.js'
import type { HashParams } from '../crypto/password-hash.js'
import type { SecretBox } from '../crypto/secrets.js'
import { generateId } from '../crypto/tokens.js'
import { AuthError } from '../errors.js'
import type { Outbox } from '../mail/outbox.js'
import type { LockoutSettings } from '../policy/lockout.js'
import type { PasswordPolicy } from '../policy/password.js'
import type { RefreshSettings } from '../policy/refresh.js'
import type { Clock, Logger, Random, RateStore, RevocationChannel, Store } from '../ports.js'
import type { RevocationCache } from '../revocation.js'
import type { AuditEvent, UserRecord } from '../types.js'

/** Everything a flow needs, resolved once by `createAuth`. Flows are functions of (core, input, ctx). */
export interface Core {
  settings: AuthSettings
  store: Store
  rateStore: RateStore
  clock: Clock
  random: Random
  logger: Logger
  ring: KeyRing
  box: SecretBox
  audience: TokenAudience
  passwordPolicy: PasswordPolicy
  lockout: LockoutSettings
  refresh: RefreshSettings
  hashParams: HashParams
  /** A hash of a random password, verified against when the account does not exist (equal timing). */
  dummyHash: () => Promise<string>
  revocations: RevocationCache
  /** Announces committed revocations to other processes at once, when configured. */
  revocationChannel: RevocationChannel | null
  outbox: Outbox
  permissionsOf(roles: readonly string[]): string[]
  /** The host's `onEvent` hook: handed every audit event once it is committed. */
  onEvent: AuditHook | null
}

/** Receives every audit event after it has been committed (to forward it to a SIEM or a webhook). */
export type AuditHook = (event: AuditEvent) => void | Promise<void>

/** Trims and lower-cases an email: the form used for uniqueness, lookups and counters. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** A light shape check for emails given to flows directly (the HTTP layer validates more strictly). */
export function requireEmail(email: unknown, path = 'email'): string {
  if (typeof email !== 'string' || email.trim().length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email.trim()))
    throw new AuthError('VALIDATION_FAILED', undefined, {
      details: [{ path, message: 'must be an email address' }],
    })
  return email.trim()
}

/** Requires a string field of bounded length, or throws VALIDATION_FAILED naming it. */
export function requireString(value: unknown, path: string, maxLength = 1024): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength)
    throw new AuthError('VALIDATION_FAILED', undefined, {
      details: [{ path, message: `must be a non-empty string of at most ${maxLength} characters` }],
    })
  return value
}

/** ISO 8601 UTC with milliseconds, the contract's timestamp format. */
export function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** The user as the user sees it. */
export function publicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.emailVerifiedAt !== null,
    roles: [...user.roles],
    mfaEnabled: user.mfaEnabled,
    createdAt: iso(user.createdAt),
  }
}

/**
 * Writes an audit event through `store` (pass the flow's transaction) and hands it to the `onEvent` hook
 * once that transaction commits (at once when `store` is not a transaction of `inTransaction`).
 */
export async function audit(
  core: Core,
  store: Store,
  ctx: RequestContext | null,
  event: Pick<AuditEvent, 'type' | 'userId'> & Partial<Pick<AuditEvent, 'actorId' | 'meta'>>,
): Promise<void> {
  const record: AuditEvent = {
    id: generateId(core.random),
    type: event.type,
    userId: event.userId,
    actorId: event.actorId ?? event.userId,
    ip: ctx?.ip ?? null,
    userAgent: ctx?.userAgent ?? null,
    at: core.clock.now(),
    meta: event.meta ?? {},
  }
  await store.appendAudit(record)
  whenCommitted(store, () => deliverAuditEvent(core, record))
}

/**
 * Calls the host's `onEvent` hook with a copy of a committed event. The hook never breaks a flow: a throw or
 * a rejection is logged (type and id only) and forgotten, and the flow does not wait for it.
 */
export function deliverAuditEvent(core: Core, event: AuditEvent): void {
  if (!core.onEvent) return
  const failed = (error: unknown) =>
    core.logger.error('portcullis: onEvent hook failed', {
      type: event.type,
      id: event.id,
      error: String(error),
    })
  try {
    Promise.resolve(core.onEvent(structuredClone(event))).catch(failed)
  } catch (error) {
    failed(error)
  }
}

/** Builds an absolute link on the app's URL with the token as the `token` query parameter. */
export function appLink(core: Core, path: string, token?: string): string {
  const url = new URL(path, core.settings.appUrl)
  if (token !== undefined) url.searchParams.set('token', token)
  return url.toString()
}

/** The locale for mails to `user`. */
export function mailLocale(core: Core, user: UserRecord | null, ctx: RequestContext | null): string {
  return user?.locale ?? ctx?.locale ?? core.settings.mail.defaultLocale
}

/** A flow's transaction: the store to write through, and work to run only once it has committed. */
export interface FlowTx {
  store: Store
  afterCommit(fn: () => void): void
}

/** The `afterCommit` of each open flow transaction, by its store, so `audit` can defer the `onEvent` hook. */
const pendingCommits = new WeakMap<Store, (cb: () => void) => void>()

/**
 * Runs `cb` once the flow transaction that `store` belongs to has committed, or at once when `store` is not
 * the store of an open `inTransaction` (helpers that receive a bare store use it to wake the mail worker).
 */
export function whenCommitted(store: Store, cb: () => void): void {
  const defer = pendingCommits.get(store)
  if (defer) defer(cb)
  else cb()
}

/**
 * Runs `fn` in one store transaction; callbacks registered with `afterCommit` (cache updates, waking
 * the mail worker) run only if it commits, so a rolled-back flow leaves no trace anywhere.
 */
export async function inTransaction<T>(core: Core, fn: (tx: FlowTx) => Promise<T>): Promise<T> {
  const after: (() => void)[] = []
  const result = await core.store.transaction(async (store) => {
    const afterCommit = (cb: () => void) => void after.push(cb)
    pendingCommits.set(store, afterCommit)
    try {
      return await fn({ store, afterCommit })
    } finally {
      // A store that joins a host's transaction passes itself: it must not stay marked once `fn` is done.
      pendingCommits.delete(store)
    }
  })
  for (const cb of after) cb()
  return result
}

/** Queues a mail in the flow's transaction and wakes the worker once it commits. */
export async function sendMail(
  core: Core,
  tx: FlowTx,
  to: string,
  intent: Parameters<Outbox['enqueue']>[2],
  locale: string,
): Promise<void> {
  await core.outbox.enqueue(tx.store, to, intent, locale)
  tx.afterCommit(() => core.outbox.kick())
}

/**
 * A new, active account record with the default role (unless given), token version 0 and no MFA; the
 * caller decides the password hash (null for provider-only accounts) and whether the email is verified.
 */
export function newUserRecord(
  core: Core,
  fields: Pick<UserRecord, 'email' | 'name' | 'passwordHash' | 'emailVerifiedAt' | 'locale'> & {
    roles?: string[]
  },
  now: number,
): UserRecord {
  return {
    id: generateId(core.random),
    email: fields.email,
    emailNormalized: normalizeEmail(fields.email),
    name: fields.name,
    passwordHash: fields.passwordHash,
    emailVerifiedAt: fields.emailVerifiedAt,
    roles: fields.roles ?? [core.settings.defaultRole],
    status: 'active',
    tokenVersion: 0,
    locale: fields.locale,
    mfaEnabled: false,
    createdAt: now,
    updatedAt: now,
  }
}

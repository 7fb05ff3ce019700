import type { Auth, RequestContext } from './auth-types.js'
import { type AuthConfig, ConfigError, parseConfig } from './config.js'
import { publicJwks } from './crypto/key-ring.js'
import { hashPassword } from './crypto/password-hash.js'
import { SecretBox } from './crypto/secrets.js'
import { generateId, toBase64Url } from './crypto/tokens.js'
import { adminAuth } from './create-auth-admin.js'
import { consoleLogger, consoleMailer, systemClock, systemRandom } from './defaults.js'
import { changePassword, confirmEmailChange, requestEmailChange } from './flows/account.js'
import { ApiKeyRuntime } from './flows/api-key-auth.js'
import { type Core, deliverAuditEvent } from './flows/core.js'
import { login } from './flows/login.js'
import { mfaMethods } from './flows/mfa-auth.js'
import { requestPasswordReset, resetPassword } from './flows/password-reset.js'
import { provisionUser } from './flows/provision.js'
import { refresh } from './flows/refresh.js'
import { register, resendVerification, verifyEmail } from './flows/register.js'
import { authenticate, listSessions, logout, logoutAll, me, revokeSession } from './flows/sessions.js'
import { Housekeeping } from './jobs/housekeeping.js'
import { Outbox } from './mail/outbox.js'
import { createOAuth } from './oauth/oauth-api.js'
import { renderMail } from './mail/templates.js'
import { passwordRules } from './policy/password.js'
import { RevocationCache } from './revocation.js'
import { followRevocations } from './revocation-feed.js'
import { loadRing, permissionsOf, resolvePasswordPolicy } from './setup.js'
import { csrfTokens } from './csrf-tokens.js'

/**
 * Creates the auth instance: validates the config (a bad value throws a `ConfigError` naming its path),
 * loads the key ring and wires the ports. Nothing runs in the background until it is used.
 */
export function createAuth(config: AuthConfig): Auth {
  const { settings, ports } = parseConfig(config)
  const production = settings.production ?? process.env.NODE_ENV === 'production'
  const logger = ports.logger ?? consoleLogger()
  if (production && !ports.mailer)
    throw new ConfigError('invalid portcullis config:\n  - mailer: required in production')
  if (production && settings.http.cookies.secure === false)
    throw new ConfigError(
      'invalid portcullis config:\n  - http.cookies.secure: cannot be false in production',
    )
  const random = ports.random ?? systemRandom
  const clock = ports.clock ?? systemClock
  const ring = loadRing(settings, production, random, logger)
  const box = new SecretBox(ring.secrets)
  const store = ports.store
  const hashParams = { ...settings.hashing }
  let dummy: Promise<string> | null = null
  const core: Core = {
    settings,
    store,
    rateStore: ports.rateStore ?? store,
    clock,
    random,
    logger,
    ring,
    box,
    audience: { issuer: settings.issuer ?? settings.appUrl, audience: settings.audience ?? settings.appUrl },
    passwordPolicy: resolvePasswordPolicy(settings),
    lockout: {
      threshold: settings.lockout.threshold,
      windowMs: settings.lockout.windowSeconds * 1000,
      lockMs: settings.lockout.lockSeconds * 1000,
      progressive: settings.lockout.progressive,
      maxLockMs: settings.lockout.maxLockSeconds * 1000,
    },
    refresh: {
      idleTtlMs: settings.refreshToken.idleTtlSeconds * 1000,
      absoluteTtlMs: settings.refreshToken.absoluteTtlSeconds * 1000,
      shortIdleTtlMs: settings.refreshToken.shortIdleTtlSeconds * 1000,
      graceMs: settings.refreshToken.reuseGraceSeconds * 1000,
    },
    hashParams,
    dummyHash: () => {
      dummy ??= hashPassword(toBase64Url(random.bytes(24)), hashParams)
      return dummy
    },
    revocations: new RevocationCache(),
    revocationChannel: ports.revocationChannel ?? null,
    outbox: new Outbox({
      store,
      mailer: ports.mailer ?? consoleMailer(),
      box,
      random,
      logger,
      now: () => clock.now(),
      render: (intent, context) => ports.renderMail?.(intent, context) ?? renderMail(intent, context),
      appName: settings.mail.appName,
    }),
    permissionsOf: (roles) => permissionsOf(settings, roles),
    onEvent: ports.onEvent ?? null,
  }
  const revocationFeed = followRevocations(core)
  const apiKeyRuntime = new ApiKeyRuntime(core)
  const housekeeping = new Housekeeping({
    store,
    logger,
    now: () => clock.now(),
    auditRetentionMs: settings.audit.retentionDays * 86_400_000,
    // Sealed replay successors are useless once the grace window is over.
    sealedRetentionMs: core.refresh.graceMs,
    mailRetentionMs: settings.mail.retentionDays * 86_400_000,
  })
  const policyView = {
    minLength: core.passwordPolicy.minLength,
    maxLength: core.passwordPolicy.maxLength,
    rules: passwordRules(core.passwordPolicy),
  }
  const jwks = publicJwks(ring)
  const oauth = createOAuth(core, production)

  return {
    settings,
    oauth,
    captcha: ports.captcha ?? null,
    store,
    rateStore: core.rateStore,
    clock,
    random,
    logger,
    migrate: async () => {
      await store.migrate?.()
    },
    close: async () => {
      revocationFeed.stop()
      housekeeping.stop()
      await apiKeyRuntime.close()
      await core.outbox.stop()
    },
    register: (input, ctx) => register(core, input, ctx),
    verifyEmail: (token, ctx) => verifyEmail(core, token, ctx),
    resendVerification: (email, ctx) => resendVerification(core, email, ctx),
    login: (input, ctx) => login(core, input, ctx),
    refresh: (token, ctx) => refresh(core, token, ctx),
    authenticate: (token) => authenticate(core, token, revocationFeed.ready()),
    logout: (p, ctx) => logout(core, p, ctx),
    logoutAll: (p, ctx) => logoutAll(core, p, ctx),
    me: (p) => me(core, p),
    listSessions: (p) => listSessions(core, p),
    revokeSession: (p, id, ctx) => revokeSession(core, p, id, ctx),
    requestPasswordReset: (email, ctx) => requestPasswordReset(core, email, ctx),
    resetPassword: (input, ctx) => resetPassword(core, input, ctx),
    provisionUser: (input) => provisionUser(core, input),
    changePassword: (p, input, ctx) => changePassword(core, p, input, ctx),
    requestEmailChange: (p, input, ctx) => requestEmailChange(core, p, input, ctx),
    confirmEmailChange: (p, token, ctx) => confirmEmailChange(core, p, token, ctx),
    ...mfaMethods(core),
    passwordPolicy: () => structuredClone(policyView),
    jwks: () => (jwks ? structuredClone(jwks) : null),
    csrf: csrfTokens(core),
    outbox: {
      runOnce: () => core.outbox.runOnce(),
      start: (ms) => core.outbox.start(ms),
      stop: () => core.outbox.stop(),
      listTo: (to, limit) => core.outbox.listTo(to, limit),
    },
    housekeeping: {
      runOnce: () => housekeeping.runOnce(),
      start: (ms) => housekeeping.start(ms),
      stop: () => housekeeping.stop(),
    },
    audit: async (event) => {
      const record = { ...event, id: generateId(random), at: clock.now() }
      await store.appendAudit(record)
      deliverAuditEvent(core, record)
    },
    ...adminAuth(core, apiKeyRuntime, () => revocationFeed.ready()),
  }
}

export type { RequestContext }

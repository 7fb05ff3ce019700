import { z } from 'zod'
import { captchaSchema, withCaptchaOrigins } from './captcha/settings.js'
import type { AuditHook } from './flows/core.js'
import type { MailIntent, RenderedMail } from './mail/intents.js'
import { oauthSettingsSchema } from './oauth/settings.js'
import { httpSchema } from './config-http.js'
import { port, positive, rule, seconds } from './config-kit.js'
import type { Clock, Logger, Mailer, Random, RateStore, RevocationChannel, Store } from './ports.js'

/** An API-key scope: `reports:read`, `billing.export`, … */
const scopeName = /^[a-z][a-z0-9_.:-]{0,63}$/

const passwordSchema = z
  .strictObject({
    preset: z.enum(['default', 'nist']).default('default'),
    minLength: z.number().int().min(1).max(4096).optional(),
    maxLength: z.number().int().min(1).max(4096).optional(),
    requireLowercase: z.boolean().optional(),
    requireUppercase: z.boolean().optional(),
    requireDigit: z.boolean().optional(),
    requireSpecial: z.boolean().optional(),
    maxRepeat: z.number().int().min(0).optional(),
    personalInfo: z.boolean().optional(),
    commonList: z.boolean().optional(),
  })
  .prefault({})

/** A host's mail templates: a rendered mail for the intents it words itself, undefined for the rest. */
export type MailRendererOverride = (
  intent: MailIntent,
  context: { locale: string; appName: string },
) => RenderedMail | undefined

/** The JSON-serialisable part of the configuration: what `PORTCULLIS_CONFIG` files may hold. */
export const settingsSchema = z.strictObject({
  /** Public URL of the app: links in mails are built from it, never from the Host header. */
  appUrl: z.url({ protocol: /^https?$/ }),
  /** The `iss` and `aud` of access tokens; default: `appUrl`. */
  issuer: z.string().min(1).optional(),
  audience: z.string().min(1).optional(),
  /** The key ring as printed by `npx portcullis keys`. */
  keys: z.string().min(1).optional(),
  /** Production mode: requires `keys` and Secure cookies. Default: NODE_ENV === 'production'. */
  production: z.boolean().optional(),
  accessToken: z.strictObject({ ttlSeconds: seconds(15 * 60) }).prefault({}),
  refreshToken: z
    .strictObject({
      idleTtlSeconds: seconds(30 * 86400),
      absoluteTtlSeconds: seconds(90 * 86400),
      /** Server-side lifetime of a session signed in with `rememberMe: false`. */
      shortIdleTtlSeconds: seconds(86400),
      /** The immediate parent presented again within this many seconds gets the same successor. */
      reuseGraceSeconds: z.number().int().min(0).max(300).default(10),
    })
    .prefault({}),
  hashing: z
    .strictObject({
      memoryCostKiB: z.number().int().min(8192).default(19456),
      timeCost: z.number().int().min(1).default(2),
      parallelism: z.number().int().min(1).default(1),
    })
    .prefault({}),
  password: passwordSchema,
  lockout: z
    .strictObject({
      threshold: positive(5),
      windowSeconds: seconds(30 * 60),
      lockSeconds: seconds(30 * 60),
      progressive: z.boolean().default(false),
      maxLockSeconds: seconds(24 * 3600),
    })
    .prefault({}),
  rateLimits: z
    .strictObject({
      enabled: z.boolean().default(true),
      loginPerIpEmail: rule(5, 60),
      loginPerIp: rule(20, 60),
      loginPerIpDaily: rule(1000, 86400),
      register: rule(10, 3600),
      forgotPerIpEmail: rule(3, 1800),
      forgotPerIpDaily: rule(10, 86400),
      verify: rule(30, 60),
      resend: rule(30, 60),
      token: rule(60, 60),
      global: rule(100, 60),
    })
    .prefault({}),
  verification: z
    .strictObject({
      required: z.boolean().default(true),
      tokenTtlSeconds: seconds(86400),
      resendPerDay: z.number().int().min(0).default(3),
      /** "Someone tried to register with your address" notices per address per day. */
      duplicateNoticesPerDay: z.number().int().min(0).default(3),
    })
    .prefault({}),
  passwordReset: z.strictObject({ tokenTtlSeconds: seconds(15 * 60) }).prefault({}),
  emailChange: z.strictObject({ tokenTtlSeconds: seconds(3600) }).prefault({}),
  mfa: z
    .strictObject({
      /** The issuer shown by authenticator apps (otpauth URL and label); default: `mail.appName`. */
      issuer: z.string().min(1).max(100).optional(),
      /** How long a trusted device skips the second factor at login. */
      trustedDeviceDays: positive(30),
      /** How recent a password or MFA check must be for a sensitive action (`requireRecentAuth`). */
      stepUpMaxAgeSeconds: seconds(600),
      /** Lifetime of the `mfaToken` between the password step and the code. */
      pendingTokenTtlSeconds: seconds(300),
      /** Wrong codes, counted per user across challenges and IPs, apart from password failures. */
      lockout: z
        .strictObject({ threshold: positive(10), windowSeconds: seconds(900), lockSeconds: seconds(900) })
        .prefault({}),
    })
    .prefault({}),
  /** Role name → permissions; `*` grants every permission. */
  roles: z
    .record(z.string().regex(/^[a-z][a-z0-9_-]*$/), z.array(z.string().min(1)))
    .default({ admin: ['*'], manager: ['users:read', 'audit:read'], auditor: ['audit:read'], employee: [] }),
  defaultRole: z.string().default('employee'),
  revocation: z
    .strictObject({ pollIntervalMs: z.number().int().min(100).max(60_000).default(2000) })
    .prefault({}),
  audit: z.strictObject({ retentionDays: positive(365) }).prefault({}),
  sessions: z
    .strictObject({
      /** Mail the user when a sign-in comes from a device (label and IP /24 or /64) not seen before. */
      newDeviceMail: z.boolean().default(true),
    })
    .prefault({}),
  apiKeys: z
    .strictObject({
      /** Keys look like `<tag>_` + 43 base64url characters. */
      tag: z
        .string()
        .regex(/^[a-z][a-z0-9]{0,15}$/, 'must be 1-16 lower-case letters or digits, starting with a letter')
        .default('pk'),
      /** The scopes keys may carry; absent: any scope name (`reports:read`, …). */
      scopes: z.array(z.string().regex(scopeName)).optional(),
      /** How many live keys one user may hold. */
      maxPerUser: positive(50),
      /** The longest `expiresInDays` accepted; absent: keys may also be created without an expiry. */
      maxExpiresInDays: z.number().int().positive().optional(),
      /**
       * How long a looked-up key is served from memory. Deletion, rotation, a block and a role change still
       * reach it at once through the revocation feed; capped at `accessToken.ttlSeconds`.
       */
      cacheTtlSeconds: z.number().int().min(0).max(300).default(30),
      /** Usage counts are kept in memory and written in one batch this often (and at `close()`). */
      usageFlushSeconds: z.number().int().min(1).max(3600).default(5),
    })
    .prefault({}),
  mail: z
    .strictObject({
      /** Paths on `appUrl` that the links in mails point to; the token is the `token` query parameter. */
      verifyPath: z.string().startsWith('/').default('/verify-email'),
      resetPath: z.string().startsWith('/').default('/reset-password'),
      emailChangePath: z.string().startsWith('/').default('/confirm-email-change'),
      appName: z.string().min(1).default('portcullis'),
      defaultLocale: z.string().min(2).default('en'),
      /** Sent and dead mail is deleted this many days after it was queued (housekeeping). */
      retentionDays: positive(7),
    })
    .prefault({}),
  http: httpSchema,
  /** Sign-in with external OAuth/OIDC providers (docs/social-sign-in.md). */
  oauth: oauthSettingsSchema.optional(),
})

/** Objects portcullis calls (not serialisable, so not part of `settingsSchema`). */
export const portsSchema = z.strictObject({
  store: port<Store>('Store', ['transaction', 'createUser', 'rotateRefreshToken', 'consumeOneTimeToken']),
  rateStore: port<RateStore>('RateStore', ['hitRateLimit', 'registerLoginFailure']).optional(),
  revocationChannel: port<RevocationChannel>('RevocationChannel', ['publish', 'subscribe']).optional(),
  mailer: port<Mailer>('Mailer', ['send']).optional(),
  /**
   * Overrides the built-in mail templates: return a rendered mail for the intents you want to word
   * yourself, `undefined` for the built-in one.
   */
  renderMail: z
    .custom<MailRendererOverride>((v) => typeof v === 'function', {
      message: 'must be a function (intent, context) => mail | undefined',
    })
    .optional(),
  clock: port<Clock>('Clock', ['now']).optional(),
  random: port<Random>('Random', ['bytes']).optional(),
  logger: port<Logger>('Logger', ['debug', 'info', 'warn', 'error']).optional(),
  /** Called with every audit event once committed (SIEM, webhooks); a failing hook is logged, never fatal. */
  onEvent: z
    .custom<AuditHook>((v) => typeof v === 'function', { message: 'must be a function (event) => void' })
    .optional(),
  /** A captcha on register, login and forgot-password: the host's server-side check (docs/social-sign-in.md). */
  captcha: captchaSchema.optional(),
})

/** What `createAuth` accepts. */
export type AuthConfig = z.input<typeof settingsSchema> & z.input<typeof portsSchema>
/** Settings after validation and defaults. */
export type AuthSettings = z.output<typeof settingsSchema>

/** A configuration mistake, thrown by `createAuth` before anything starts. */
export class ConfigError extends TypeError {
  override readonly name = 'ConfigError'
}

/** Validates the whole configuration; a bad value throws a `ConfigError` naming its path. */
export function parseConfig(config: AuthConfig): {
  settings: AuthSettings
  ports: z.output<typeof portsSchema>
} {
  if (typeof config !== 'object' || config === null)
    throw new ConfigError('portcullis config must be an object')
  // Objects the schema lists as ports go to the ports; everything else is a JSON-serialisable setting.
  const portInput: Record<string, unknown> = {}
  const settingInput: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(config)) {
    if (!(key in portsSchema.shape)) settingInput[key] = value
    else if (value !== undefined) portInput[key] = value
  }
  const settings = settingsSchema.safeParse(settingInput)
  const ports = portsSchema.safeParse(portInput)
  const issues = [...(settings.error?.issues ?? []), ...(ports.error?.issues ?? [])]
  if (issues.length > 0 || !settings.success || !ports.success) {
    const lines = issues.map((i) => `  - ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    throw new ConfigError(`invalid portcullis config:\n${lines.join('\n')}`)
  }
  checkCrossFields(settings.data)
  return { settings: deepFreeze(withCaptchaOrigins(settings.data, ports.data.captcha)), ports: ports.data }
}

function checkCrossFields(s: AuthSettings): void {
  const fail = (path: string, message: string) => {
    throw new ConfigError(`invalid portcullis config:\n  - ${path}: ${message}`)
  }
  if (s.http.cors.credentials && s.http.cors.origins.includes('*'))
    fail('http.cors.origins', '"*" cannot be combined with credentials; list the exact origins')
  for (const p of s.http.cors.patterns) {
    try {
      new RegExp(p)
    } catch {
      fail('http.cors.patterns', `not a valid regular expression: ${p}`)
    }
  }
  if (!(s.defaultRole in s.roles))
    fail('defaultRole', `"${s.defaultRole}" is not one of the configured roles`)
  if (s.refreshToken.absoluteTtlSeconds < s.refreshToken.idleTtlSeconds)
    fail('refreshToken.absoluteTtlSeconds', 'must be at least refreshToken.idleTtlSeconds')
  const { minLength, maxLength } = s.password
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength)
    fail('password.minLength', 'must not exceed password.maxLength')
  if (s.production && s.http.cookies.secure === false)
    fail('http.cookies.secure', 'cannot be false in production')
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

export type {
  Auth,
  IssuedTokens,
  LoginResult,
  PasswordPolicyView,
  Principal,
  PublicUser,
  RequestContext,
  SessionView,
} from './auth-types.js'
export type * from './auth-types-admin.js'
export type * from './auth-types-oauth.js'
export type { CaptchaConfig, CaptchaRoute, CaptchaVerify } from './captcha/settings.js'
export { TURNSTILE_ORIGIN, type TurnstileOptions, turnstileCaptcha } from './captcha/turnstile.js'
export type { OAuthSettingsInput, ProviderType } from './oauth/settings.js'
export {
  type AuthConfig,
  type AuthSettings,
  ConfigError,
  type MailRendererOverride,
  settingsSchema,
} from './config.js'
export { createAuth } from './create-auth.js'
export type { AuditHook } from './flows/core.js'
export { generateKeyRingSpec, type KeyRingSpec, serializeKeyRing } from './crypto/key-ring.js'
export { consoleLogger, consoleMailer, systemClock, systemRandom } from './defaults.js'
export { AuthError, type AuthErrorCode, errorStatus, isAuthError, statusOf } from './errors.js'
export type { MailIntent, MailRenderer, RenderedMail } from './mail/intents.js'
export type { OutboxMailView } from './mail/outbox.js'
export { renderMail } from './mail/templates.js'
export * from './policy/index.js'
export type { Clock, Logger, Mail, Mailer, Random, RateStore, RevocationChannel, Store } from './ports.js'
export type * from './types.js'

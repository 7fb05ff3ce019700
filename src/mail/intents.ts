import type { MailKind } from '../types.js'

/** What a mail is about, before rendering; one variant per kind. */
export type MailIntent =
  | { kind: 'verify-email'; url: string; expiresAt: number }
  | { kind: 'already-registered'; loginUrl: string; resetUrl: string }
  | { kind: 'password-reset'; url: string; expiresAt: number }
  | { kind: 'password-changed' }
  | { kind: 'email-change-confirm'; url: string; expiresAt: number; newEmail: string }
  | { kind: 'email-changed-notice'; newEmail: string }
  | { kind: 'lockout-notice'; until: number }
  | { kind: 'new-sign-in'; ip: string | null; userAgent: string | null; at: number }
  | { kind: 'refresh-reuse'; at: number }
  | { kind: 'backup-code-used'; at: number; ip: string | null; remaining: number }

/** A rendered mail's content. */
export interface RenderedMail {
  subject: string
  text: string
  html: string
}

/** Renders an intent in a locale; hosts may replace any kind (config `mail.templates`, issue-level docs). */
export type MailRenderer = (intent: MailIntent, context: { locale: string; appName: string }) => RenderedMail

/** Compile-time check that every mail kind has an intent. */
export type IntentKinds = MailIntent['kind'] extends MailKind
  ? MailKind extends MailIntent['kind']
    ? true
    : never
  : never

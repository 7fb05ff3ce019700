import type { MailIntent, MailRenderer, RenderedMail } from './intents.js'

type Locale = 'en' | 'de'
type Lines = { subject: string; lines: string[] }
type Templates = {
  [K in MailIntent['kind']]: (i: Extract<MailIntent, { kind: K }>, app: string, l: Locale) => Lines
}

const when = (ms: number, l: Locale) =>
  new Date(ms).toLocaleString(l === 'de' ? 'de-DE' : 'en-GB', {
    timeZone: 'UTC',
    dateStyle: 'medium',
    timeStyle: 'short',
  }) + ' UTC'

const t = (l: Locale, en: string, de: string) => (l === 'de' ? de : en)

const templates: Templates = {
  'verify-email': (i, app, l) => ({
    subject: t(l, `Confirm your email for ${app}`, `Bestätige deine E-Mail-Adresse für ${app}`),
    lines: [
      t(
        l,
        'Open this link to confirm your email address:',
        'Öffne diesen Link, um deine E-Mail-Adresse zu bestätigen:',
      ),
      i.url,
      t(
        l,
        `The link works once, until ${when(i.expiresAt, l)}.`,
        `Der Link gilt einmal, bis ${when(i.expiresAt, l)}.`,
      ),
      t(
        l,
        'If you did not sign up, ignore this mail.',
        'Wenn du dich nicht registriert hast, ignoriere diese E-Mail.',
      ),
    ],
  }),
  'already-registered': (i, app, l) => ({
    subject: t(
      l,
      `Someone tried to register with your email at ${app}`,
      `Registrierungsversuch mit deiner E-Mail bei ${app}`,
    ),
    lines: [
      t(
        l,
        'Someone tried to create an account with this address, which already has one.',
        'Jemand wollte mit dieser Adresse ein Konto anlegen; es gibt bereits eines.',
      ),
      t(l, `Sign in: ${i.loginUrl}`, `Anmelden: ${i.loginUrl}`),
      t(l, `Forgot your password? ${i.resetUrl}`, `Passwort vergessen? ${i.resetUrl}`),
      t(
        l,
        'If this was not you, you can ignore this mail.',
        'Wenn du das nicht warst, kannst du diese E-Mail ignorieren.',
      ),
    ],
  }),
  'password-reset': (i, app, l) => ({
    subject: t(l, `Reset your ${app} password`, `Setze dein Passwort für ${app} zurück`),
    lines: [
      t(l, 'Open this link to choose a new password:', 'Öffne diesen Link, um ein neues Passwort zu wählen:'),
      i.url,
      t(
        l,
        `The link works once, until ${when(i.expiresAt, l)}.`,
        `Der Link gilt einmal, bis ${when(i.expiresAt, l)}.`,
      ),
      t(
        l,
        'If you did not ask for this, ignore this mail; your password stays as it is.',
        'Wenn du das nicht angefordert hast, ignoriere diese E-Mail; dein Passwort bleibt unverändert.',
      ),
    ],
  }),
  'password-changed': (_i, app, l) => ({
    subject: t(l, `Your ${app} password was changed`, `Dein Passwort für ${app} wurde geändert`),
    lines: [
      t(
        l,
        'Your password was just changed and every other session was signed out.',
        'Dein Passwort wurde soeben geändert und alle anderen Sitzungen wurden abgemeldet.',
      ),
      t(
        l,
        'If this was not you, reset your password now and contact support.',
        'Wenn du das nicht warst, setze dein Passwort sofort zurück und kontaktiere den Support.',
      ),
    ],
  }),
  'email-change-confirm': (i, app, l) => ({
    subject: t(l, `Confirm your new email for ${app}`, `Bestätige deine neue E-Mail-Adresse für ${app}`),
    lines: [
      t(
        l,
        `Open this link to make ${i.newEmail} your sign-in address:`,
        `Öffne diesen Link, um ${i.newEmail} als Anmeldeadresse zu verwenden:`,
      ),
      i.url,
      t(
        l,
        `The link works once, until ${when(i.expiresAt, l)}.`,
        `Der Link gilt einmal, bis ${when(i.expiresAt, l)}.`,
      ),
    ],
  }),
  'email-changed-notice': (i, app, l) => ({
    subject: t(
      l,
      `Your ${app} email address is being changed`,
      `Deine E-Mail-Adresse bei ${app} wird geändert`,
    ),
    lines: [
      t(
        l,
        `A change of your sign-in address to ${i.newEmail} was requested.`,
        `Eine Änderung deiner Anmeldeadresse auf ${i.newEmail} wurde angefordert.`,
      ),
      t(
        l,
        'If this was not you, reset your password now.',
        'Wenn du das nicht warst, setze dein Passwort sofort zurück.',
      ),
    ],
  }),
  'lockout-notice': (i, app, l) => ({
    subject: t(l, `Your ${app} account was locked`, `Dein Konto bei ${app} wurde gesperrt`),
    lines: [
      t(
        l,
        `After several failed sign-in attempts your account is locked until ${when(i.until, l)}.`,
        `Nach mehreren fehlgeschlagenen Anmeldeversuchen ist dein Konto bis ${when(i.until, l)} gesperrt.`,
      ),
      t(
        l,
        'If this was not you, consider resetting your password.',
        'Wenn du das nicht warst, setze dein Passwort zurück.',
      ),
    ],
  }),
  'new-sign-in': (i, app, l) => ({
    subject: t(l, `New sign-in to ${app}`, `Neue Anmeldung bei ${app}`),
    lines: [
      t(
        l,
        `A new device signed in at ${when(i.at, l)}.`,
        `Ein neues Gerät hat sich am ${when(i.at, l)} angemeldet.`,
      ),
      `IP: ${i.ip ?? '-'}`,
      `${t(l, 'Device', 'Gerät')}: ${i.userAgent ?? '-'}`,
    ],
  }),
  'refresh-reuse': (i, app, l) => ({
    subject: t(
      l,
      `A session of your ${app} account was ended`,
      `Eine Sitzung deines Kontos bei ${app} wurde beendet`,
    ),
    lines: [
      t(
        l,
        `At ${when(i.at, l)} an old sign-in token was used again, so that session was signed out.`,
        `Am ${when(i.at, l)} wurde ein altes Anmelde-Token erneut benutzt; die Sitzung wurde abgemeldet.`,
      ),
    ],
  }),
  'backup-code-used': (i, app, l) => ({
    subject: t(l, `A backup code was used for ${app}`, `Ein Backup-Code wurde für ${app} verwendet`),
    lines: [
      t(
        l,
        `At ${when(i.at, l)} one of your backup codes was used to sign in (IP: ${i.ip ?? '-'}).`,
        `Am ${when(i.at, l)} wurde einer deiner Backup-Codes zur Anmeldung verwendet (IP: ${i.ip ?? '-'}).`,
      ),
      t(
        l,
        `Backup codes left: ${i.remaining}. Each code works once; you can create a new set in your security settings.`,
        `Verbleibende Backup-Codes: ${i.remaining}. Jeder Code gilt einmal; in deinen Sicherheitseinstellungen kannst du neue erzeugen.`,
      ),
      t(
        l,
        'If this was not you, change your password and create new backup codes now.',
        'Wenn du das nicht warst, ändere sofort dein Passwort und erzeuge neue Backup-Codes.',
      ),
    ],
  }),
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

const linkify = (line: string) =>
  escapeHtml(line).replace(/https?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`)

/** The built-in renderer: English and German, plain text plus a minimal HTML twin. */
export const renderMail: MailRenderer = (intent, { locale, appName }) => {
  const l: Locale = locale.toLowerCase().startsWith('de') ? 'de' : 'en'
  const render = templates[intent.kind] as (i: MailIntent, app: string, l: Locale) => Lines
  const { subject, lines } = render(intent, appName, l)
  const rendered: RenderedMail = {
    subject,
    text: `${lines.join('\n\n')}\n`,
    html: `<!doctype html><html lang="${l}"><body>${lines.map((x) => `<p>${linkify(x)}</p>`).join('')}</body></html>`,
  }
  return rendered
}

/** Picks the mail locale: the user's, else the request's Accept-Language, else the default. */
export function pickLocale(
  userLocale: string | null,
  requestLocale: string | undefined,
  fallback: string,
): string {
  return userLocale ?? requestLocale ?? fallback
}

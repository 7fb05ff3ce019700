import type { PageSpec } from './layout.js'

const anonymous = '<p id="anonymous" hidden>You are not signed in. <a href="/login">Log in</a>.</p>'

/**
 * The signed-in user's account pages: the security overview, change password, change email and the page
 * that the email-change mail links to. Their scripts talk to /auth with cookie transport and CSRF.
 */
export const accountPages: Record<string, PageSpec> = {
  '/security': {
    title: 'Security',
    script: 'security.js',
    main: `
    <p id="signed-in" hidden>Signed in as <strong id="email"></strong>. Two-factor sign-in is
      <strong id="mfa-state"></strong>.</p>
    ${anonymous}
    <ul class="card links">
      <li><a href="/sessions">Sessions</a>: where you are signed in; sign other browsers out</li>
      <li><a href="/change-password">Change password</a>: every other session is signed out</li>
      <li><a href="/change-email">Change email</a>: takes effect once you open the link sent to the new address</li>
      <li><a href="/mfa">Two-factor sign-in</a>: an authenticator app, backup codes, trusted browsers</li>
    </ul>`,
  },
  '/change-password': {
    title: 'Change your password',
    script: 'change-password.js',
    main: `
    ${anonymous}
    <form id="form" class="card" hidden>
      <label>Current password
        <input name="currentPassword" type="password" autocomplete="current-password" required></label>
      <label>New password <input name="newPassword" type="password" autocomplete="new-password" required></label>
      <ul class="rules" data-policy-for="newPassword"></ul>
      <label id="code-field" hidden>Code from your authenticator app, or a backup code
        <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="32"></label>
      <button type="submit">Change password</button>
    </form>
    <div id="done" class="card" hidden>
      <p>Your password is changed. Every other session was signed out; this browser stays signed in.</p>
      <p><a href="/security">Back to security</a></p>
    </div>`,
  },
  '/change-email': {
    title: 'Change your email address',
    script: 'change-email.js',
    main: `
    ${anonymous}
    <p id="current" hidden>Your address now: <strong id="current-email"></strong></p>
    <form id="form" class="card" hidden>
      <label>New email address <input name="newEmail" type="email" autocomplete="email" required></label>
      <label>Your password <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Send a confirmation link</button>
    </form>
    <div id="done" class="card" hidden>
      <p>Check the new address: open the link we sent there while signed in to this account. Until then you
        keep signing in with your current address, which gets a notice about the change.</p>
      <p class="dev-only">Development: the mail is at <a id="mailbox" href="/dev/mail">/dev/mail</a>.</p>
    </div>`,
  },
  '/confirm-email-change': {
    title: 'Confirm your new email address',
    script: 'confirm-email-change.js',
    main: `
    <p id="working">Confirming your new address…</p>
    <div id="sign-in" class="card" hidden>
      <p>Log in to the account that asked for the change: the link works only there.</p>
      <p><a href="/login?next=%2Fconfirm-email-change">Log in and confirm</a></p>
    </div>
    <div id="confirmed" class="card" hidden>
      <p>Your email address is now <strong id="new-email"></strong>. Use it to sign in from now on.</p>
      <p><a href="/me">Who am I</a></p>
    </div>`,
  },
}

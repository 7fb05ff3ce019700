import { type Response, Router } from 'express'
import { type PageSpec, renderPage } from './layout.js'
import { accountPages } from './pages-account.js'
import { mfaPages } from './pages-mfa.js'

const passwordRules = '<ul class="rules" data-policy-for="password"></ul>'

/** The demo's pages, by path. Their scripts talk to /auth with cookie transport and CSRF. */
export const pages: Record<string, PageSpec> = {
  '/': {
    title: 'Welcome',
    main: `
    <p>A small app on top of portcullis. The pages below use the auth routes mounted at <code>/auth</code>,
      with cookies and CSRF tokens, as a browser app would.</p>
    <ul>
      <li><a href="/register">Create an account</a>, then open the link in the verification mail</li>
      <li><a href="/login">Log in</a></li>
      <li><a href="/me">Who am I</a> and <a href="/sessions">my sessions</a></li>
      <li><a href="/security">Security</a>: change your password or email address</li>
      <li><a href="/mfa">Two-factor sign-in</a> with an authenticator app</li>
      <li><a href="/forgot-password">Forgot my password</a></li>
    </ul>
    <p class="dev-only">Development: mails are not sent; read them at <code>/dev/mail?to=you@example.com</code>.</p>`,
  },
  '/register': {
    title: 'Create an account',
    script: 'register.js',
    main: `
    <form id="form" class="card">
      <label>Email <input name="email" type="email" autocomplete="email" required></label>
      <label>Name (optional) <input name="name" autocomplete="name" maxlength="200"></label>
      <label>Password <input name="password" type="password" autocomplete="new-password" required></label>
      ${passwordRules}
      <button type="submit">Create account</button>
    </form>
    <div id="done" class="card" hidden>
      <p>Check your inbox: if the address can be registered, a verification link is on its way.</p>
      <p class="dev-only">Development: the mail is at <a id="mailbox" href="/dev/mail">/dev/mail</a>.</p>
    </div>`,
  },
  '/verify-email': {
    title: 'Verify your email',
    script: 'verify-email.js',
    main: `
    <p id="working">Checking your link…</p>
    <p id="verified" hidden>Your address is verified. You can <a href="/login">log in</a> now.</p>`,
  },
  '/login': {
    title: 'Log in',
    script: 'login.js',
    main: `
    <div id="unverified" class="banner" hidden>
      <p>Your email address is not verified yet. Open the link in the verification mail, or ask for a new one.</p>
      <button type="button" id="resend">Send the verification mail again</button>
    </div>
    <form id="form" class="card">
      <label>Email <input name="email" type="email" autocomplete="username" required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <label class="inline"><input name="rememberMe" type="checkbox" checked> Keep me signed in</label>
      <button type="submit">Log in</button>
    </form>
    <form id="mfa-form" class="card" hidden>
      <p>Enter the code from your authenticator app, or one of your backup codes.</p>
      <label>Code <input name="code" autocomplete="one-time-code" maxlength="32" required></label>
      <label class="inline"><input name="trustDevice" type="checkbox"> Trust this browser for 30 days</label>
      <button type="submit">Verify</button>
    </form>
    <p><a href="/forgot-password">Forgot your password?</a></p>`,
  },
  '/me': {
    title: 'Who am I',
    script: 'me.js',
    main: `
    <dl id="user" class="card" hidden></dl>
    <p id="anonymous" hidden>You are not signed in. <a href="/login">Log in</a>.</p>`,
  },
  '/sessions': {
    title: 'My sessions',
    script: 'sessions.js',
    main: `
    <table id="sessions" hidden>
      <thead><tr><th>Started</th><th>Last used</th><th>IP</th><th>Browser</th><th></th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="anonymous" hidden>You are not signed in. <a href="/login">Log in</a>.</p>`,
  },
  '/forgot-password': {
    title: 'Forgot your password',
    script: 'forgot-password.js',
    main: `
    <form id="form" class="card">
      <label>Email <input name="email" type="email" autocomplete="email" required></label>
      <button type="submit">Send me a reset link</button>
    </form>
    <p id="done" hidden>If an account uses that address, a reset link is on its way. It works for a short time.</p>`,
  },
  '/reset-password': {
    title: 'Choose a new password',
    script: 'reset-password.js',
    main: `
    <form id="form" class="card">
      <label>New password <input name="password" type="password" autocomplete="new-password" required></label>
      ${passwordRules}
      <button type="submit">Set the new password</button>
    </form>
    <p id="done" hidden>Your password is changed and every session was signed out. <a href="/login">Log in</a>.</p>`,
  },
  ...accountPages,
  ...mfaPages,
}

/**
 * Serves the pages. `nonceOf` reads the CSP nonce that the security-headers middleware made for this
 * response; every script tag carries it.
 */
export function pagesRouter(options: { development: boolean; nonceOf: (res: Response) => string }): Router {
  const router = Router()
  for (const [path, page] of Object.entries(pages)) {
    router.get(path, (_req, res) => {
      // Pages reflect who is signed in only through their scripts, but keep them out of shared caches anyway.
      res.set('Cache-Control', 'no-store')
      res
        .type('html')
        .send(renderPage(page, { nonce: options.nonceOf(res), path, development: options.development }))
    })
  }
  return router
}

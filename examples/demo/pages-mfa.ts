import type { PageSpec } from './layout.js'

/**
 * Two-factor sign-in: set up TOTP with the QR code, confirm it with a code (the backup codes are shown once),
 * regenerate the backup codes, list and revoke trusted browsers, turn it off. The script talks to /auth/mfa.
 */
export const mfaPages: Record<string, PageSpec> = {
  '/mfa': {
    title: 'Two-factor sign-in',
    script: 'mfa.js',
    main: `
    <p id="anonymous" hidden>You are not signed in. <a href="/login?next=%2Fmfa">Log in</a>.</p>
    <p id="state" hidden>Two-factor sign-in is <strong id="state-text"></strong>.</p>
    <div id="off" class="card" hidden>
      <p>With two-factor sign-in on, logging in also asks for a code from an authenticator app.</p>
      <button type="button" id="setup">Set up an authenticator app</button>
    </div>
    <div id="setup-card" class="card" hidden>
      <p>Scan this code with your authenticator app, or type the key in by hand.</p>
      <div id="qr" class="qr"></div>
      <p>Key: <code id="secret"></code></p>
      <form id="enable-form">
        <label>The 6-digit code the app shows
          <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required></label>
        <button type="submit">Turn on</button>
      </form>
    </div>
    <div id="codes-card" class="card" hidden>
      <p><strong>Your backup codes.</strong> Each works once, in place of a code from the app. Keep them somewhere
        safe: they are shown only now.</p>
      <ol id="codes" class="codes"></ol>
      <button type="button" id="codes-done">I have saved them</button>
    </div>
    <div id="on" hidden>
      <p id="remaining"></p>
      <h2>Browsers that skip the code</h2>
      <p id="no-devices">None. Tick "Trust this browser" when you enter a code to add one.</p>
      <table id="devices" hidden>
        <thead><tr><th>Trusted since</th><th>Last used</th><th>Browser</th><th></th></tr></thead>
        <tbody></tbody>
      </table>
      <h2>New backup codes</h2>
      <form id="regenerate-form" class="card">
        <label>Your password <input name="password" type="password" autocomplete="current-password" required></label>
        <label>A code from the app, or a backup code
          <input name="code" autocomplete="one-time-code" maxlength="32" required></label>
        <button type="submit">Make new backup codes</button>
      </form>
      <h2>Turn off</h2>
      <form id="disable-form" class="card">
        <label>Your password <input name="password" type="password" autocomplete="current-password" required></label>
        <label>A code from the app, or a backup code
          <input name="code" autocomplete="one-time-code" maxlength="32" required></label>
        <button type="submit">Turn two-factor sign-in off</button>
      </form>
    </div>`,
  },
}

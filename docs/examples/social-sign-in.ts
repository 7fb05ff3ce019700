// Type-checked in CI: the snippets of docs/social-sign-in.md.
import express from 'express'
import { type Auth, type AuthConfig, createAuth, turnstileCaptcha } from 'portcullis'
import { expressAuth } from 'portcullis/express'
import { memoryStore } from 'portcullis/testing'

// --- Configuration
export function socialAuth(env: Record<string, string | undefined>): Auth {
  const config: AuthConfig = {
    store: memoryStore(),
    appUrl: 'https://app.example',
    keys: env.AUTH_KEYS,
    oauth: {
      providers: {
        google: { type: 'google', clientId: env.GOOGLE_ID ?? '', clientSecret: env.GOOGLE_SECRET ?? '' },
        github: { type: 'github', clientId: env.GITHUB_ID ?? '', clientSecret: env.GITHUB_SECRET ?? '' },
        corp: {
          type: 'oidc',
          issuer: 'https://login.corp.example/realms/staff',
          clientId: env.CORP_ID ?? '',
          clientSecret: env.CORP_SECRET ?? '',
          scopes: ['openid', 'email', 'profile'],
        },
      },
      successRedirect: 'https://app.example/welcome',
      errorRedirect: 'https://app.example/login',
      autoLinkVerifiedEmail: false,
    },
    captcha: {
      ...turnstileCaptcha({ secret: env.TURNSTILE_SECRET ?? '' }),
      routes: ['register', 'login', 'forgot'],
    },
  }
  return createAuth(config)
}

// --- Mounting: the OAuth routes are part of the router
export function app(auth: Auth) {
  const server = express()
  server.use('/auth', expressAuth(auth).router)
  return server
}

// --- The browser side
export function signInButtonHref(provider: 'google' | 'github' | 'corp'): string {
  // A plain link: the route answers with a redirect to the provider.
  return `/auth/oauth/${provider}`
}

/** On the success page: an MFA account arrives with the challenge in the fragment, never in the query. */
export async function finishMfaIfAsked(code: string, csrfToken: string): Promise<boolean> {
  const fragment = new URLSearchParams(window.location.hash.slice(1))
  const mfaToken = fragment.get('mfaToken')
  if (mfaToken === null) return false
  history.replaceState(null, '', window.location.pathname) // drop the token from the address bar
  const res = await fetch('/auth/login/mfa', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify({ mfaToken, code }),
  })
  return res.ok
}

/** Settings page: link a provider to the signed-in account (cookie transport, so the CSRF token too). */
export async function linkProvider(provider: string, csrfToken: string): Promise<void> {
  const res = await fetch(`/auth/oauth/${provider}/link`, {
    method: 'POST',
    headers: { 'x-csrf-token': csrfToken },
  })
  if (!res.ok) throw new Error(`link refused: ${res.status}`) // 403 STEP_UP_REQUIRED: sign in again first
  const { url } = (await res.json()) as { url: string }
  window.location.assign(url)
}

export async function unlinkProvider(
  provider: string,
  csrfToken: string,
): Promise<'unlinked' | 'last-method'> {
  const res = await fetch(`/auth/oauth/identities/${provider}`, {
    method: 'DELETE',
    headers: { 'x-csrf-token': csrfToken },
  })
  return res.status === 409 ? 'last-method' : 'unlinked'
}

/** A captcha-guarded call: the widget's token goes in a header (or a `captchaToken` body field). */
export async function register(email: string, password: string, captchaToken: string, csrfToken: string) {
  return fetch('/auth/register', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-captcha-token': captchaToken,
      'x-csrf-token': csrfToken,
    },
    body: JSON.stringify({ email, password }),
  })
}

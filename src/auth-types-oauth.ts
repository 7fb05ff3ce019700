import type { IssuedTokens, Principal, RequestContext } from './auth-types.js'

/**
 * Why a provider sign-in ended without a session: the `error` query parameter of the error redirect.
 * - `invalid_state`: the `state` is missing, wrong, expired or already used (or the state cookie is).
 * - `access_denied` / `provider_error`: the provider answered with an error (the user declined, say).
 * - `issuer_mismatch`: the response's `iss` (RFC 9207) is not the provider's issuer: a mix-up attempt.
 * - `exchange_failed`: the token endpoint refused the code (reused, or the PKCE verifier does not match).
 * - `invalid_response`: the ID token or another answer of the provider failed a check (nonce, signature…).
 * - `provider_unavailable`: the provider could not be reached.
 * - `email_not_verified`: the provider reported no email, or one it has not verified.
 * - `account_exists`: a local account has that email; sign in to it and link the provider from there.
 * - `account_disabled`: the account is blocked or deactivated.
 * - `identity_in_use`: linking: this provider account is linked to another user.
 * - `already_linked`: linking: the user already has an account of this provider linked.
 * - `session_expired`: linking: the session that asked for the link has ended.
 * - `server_error`: anything unexpected (logged with the request id).
 */
export type OAuthErrorCode =
  | 'invalid_state'
  | 'access_denied'
  | 'provider_error'
  | 'issuer_mismatch'
  | 'exchange_failed'
  | 'invalid_response'
  | 'provider_unavailable'
  | 'email_not_verified'
  | 'account_exists'
  | 'account_disabled'
  | 'identity_in_use'
  | 'already_linked'
  | 'session_expired'
  | 'server_error'

/** How an authorization request begins: the provider URL to send the browser to, and the state cookie's value. */
export type OAuthBegin =
  | { type: 'redirect'; url: string; stateCookie: string; maxAgeSeconds: number }
  | { type: 'refused'; code: OAuthErrorCode }

/** How a callback ended. */
export type OAuthOutcome =
  | { type: 'tokens'; tokens: IssuedTokens; provider: string; created: boolean }
  | { type: 'mfa'; mfaToken: string; methods: string[] }
  | { type: 'linked'; provider: string }
  | { type: 'refused'; code: OAuthErrorCode }

/** One identity of the signed-in user, as that user sees it. */
export interface IdentityView {
  provider: string
  /** The email the provider reported at the last sign-in. */
  email: string | null
  /** ISO 8601 UTC with milliseconds. */
  createdAt: string
  lastUsedAt: string
}

/** Sign-in with external providers (`oauth` config). */
export interface OAuthApi {
  /** The configured provider names. */
  readonly providers: readonly string[]
  /** Where browsers go after a callback: `success` (with a session), `error` (with `?error=<code>`). */
  readonly redirects: { readonly success: string; readonly error: string }
  /**
   * Begins an authorization request: a fresh 256-bit `state`, PKCE `S256` verifier and OIDC `nonce`, sealed
   * into the value of the `<p>oauth` cookie. With `link`, the callback links the provider account to that
   * signed-in user instead of signing in (it needs a password or factor check within the last 10 minutes).
   * NOT_FOUND for an unknown provider.
   */
  begin(provider: string, options?: { link?: Principal }): Promise<OAuthBegin>
  /**
   * Finishes at the callback: checks `state` against the cookie (single use), the issuer, the nonce, exchanges
   * the code with the PKCE verifier, then signs in, creates, links or refuses. NOT_FOUND for an unknown provider;
   * every other failure is a `refused` outcome.
   */
  finish(
    provider: string,
    query: URLSearchParams,
    stateCookie: string | undefined,
    ctx: RequestContext,
  ): Promise<OAuthOutcome>
  /** The user's linked identities, oldest first. */
  listIdentities(principal: Principal): Promise<IdentityView[]>
  /** Unlinks the user's identity of `provider`: NOT_FOUND when none, CONFLICT when it is the last sign-in method. */
  unlink(principal: Principal, provider: string, ctx: RequestContext): Promise<void>
}

/** The OAuth part of `Auth`. */
export interface OAuthAuth {
  /** Sign-in with external providers; null when no `oauth` config is given. */
  readonly oauth: OAuthApi | null
}

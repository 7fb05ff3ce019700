import type { Principal, RequestContext } from '../auth-types.js'
import type { OAuthApi, OAuthOutcome } from '../auth-types-oauth.js'
import { ConfigError } from '../config.js'
import { generateToken, hashToken, safeEqual } from '../crypto/tokens.js'
import { AuthError } from '../errors.js'
import type { Core } from '../flows/core.js'
import {
  assertMayLink,
  linkProviderIdentity,
  listIdentities,
  unlinkIdentity,
} from '../flows/oauth-identities.js'
import { refuse, signInWithProvider } from '../flows/oauth-sign-in.js'
import { toFailure } from './failure.js'
import { createProvider, type OAuthProvider } from './provider.js'
import {
  type AuthorizationRequest,
  openAuthorizationRequest,
  sealAuthorizationRequest,
  STATE_TTL_SECONDS,
} from './state-cookie.js'

/**
 * Sign-in with the providers of `settings.oauth`; null when there are none. Throws a `ConfigError` for a setup
 * that cannot work: no cookie transport (the callback is a browser navigation, so the session can only be
 * handed over in cookies), or `http://` providers in production.
 */
export function createOAuth(core: Core, production: boolean): OAuthApi | null {
  const settings = core.settings.oauth
  if (!settings) return null
  const fail = (path: string, message: string) => {
    throw new ConfigError(`invalid portcullis config:\n  - ${path}: ${message}`)
  }
  if (!core.settings.http.transports.cookie)
    fail(
      'oauth',
      'needs the cookie transport (http.transports.cookie): the callback hands the session over in cookies',
    )
  const appUrl = core.settings.appUrl.replace(/\/+$/, '')
  const base = (settings.redirectBaseUrl ?? `${appUrl}${core.settings.http.mountPath}`).replace(/\/+$/, '')
  const providers = new Map<string, OAuthProvider>()
  for (const [name, p] of Object.entries(settings.providers)) {
    if (production && p.allowInsecureRequests)
      fail(`oauth.providers.${name}.allowInsecureRequests`, 'cannot be true in production')
    providers.set(name, createProvider(name, p, `${base}/oauth/${encodeURIComponent(name)}/callback`))
  }
  const providerOf = (name: string): OAuthProvider => {
    const provider = providers.get(name)
    if (!provider) throw new AuthError('NOT_FOUND')
    return provider
  }
  const policy = { autoLinkVerifiedEmail: settings.autoLinkVerifiedEmail }

  return {
    providers: [...providers.keys()],
    redirects: {
      success: settings.successRedirect ?? `${appUrl}/`,
      error: settings.errorRedirect ?? `${appUrl}/login`,
    },
    async begin(name, options = {}) {
      const provider = providerOf(name)
      if (options.link) assertMayLink(core, options.link)
      const request: AuthorizationRequest = {
        // 256 random bits each: unguessable, so a forged callback cannot match a victim's request.
        state: generateToken(core.random),
        codeVerifier: generateToken(core.random),
        nonce: provider.usesNonce ? generateToken(core.random) : null,
        link: linkOf(options.link),
        expiresAt: core.clock.now() + STATE_TTL_SECONDS * 1000,
      }
      try {
        const url = await provider.authorizationUrl(request)
        const stateCookie = sealAuthorizationRequest(core.box, name, request)
        return { type: 'redirect', url, stateCookie, maxAgeSeconds: STATE_TTL_SECONDS }
      } catch (error) {
        const failure = toFailure(error)
        core.logger.warn('portcullis: oauth authorization request failed', {
          provider: name,
          code: failure.code,
          error: failure.message,
        })
        return { type: 'refused', code: failure.code }
      }
    },
    async finish(name, query, stateCookie, ctx) {
      const provider = providerOf(name)
      try {
        return await finish(core, provider, query, stateCookie, policy, ctx)
      } catch (error) {
        core.logger.error('portcullis: oauth callback failed', {
          provider: name,
          requestId: ctx.requestId,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        })
        return { type: 'refused', code: 'server_error' }
      }
    },
    listIdentities: (principal) => listIdentities(core, principal),
    unlink: (principal, provider, ctx) => unlinkIdentity(core, principal, provider, ctx),
  }
}

function linkOf(principal: Principal | undefined): AuthorizationRequest['link'] {
  return principal ? { userId: principal.userId, sessionId: principal.sessionId } : null
}

/**
 * The callback, in order: the state cookie opens and has not expired; `state` equals the cookie's; the state
 * was not used before (single use, atomically, in the rate store); then the provider checks (issuer, code
 * exchange with the PKCE verifier, ID token and nonce); then the account decision.
 */
async function finish(
  core: Core,
  provider: OAuthProvider,
  query: URLSearchParams,
  stateCookie: string | undefined,
  policy: { autoLinkVerifiedEmail: boolean },
  ctx: RequestContext,
): Promise<OAuthOutcome> {
  const now = core.clock.now()
  const request = openAuthorizationRequest(core.box, provider.name, stateCookie)
  const state = query.get('state')
  if (!request || request.expiresAt <= now || state === null || !safeEqual(state, request.state))
    return { type: 'refused', code: 'invalid_state' }
  // A limit of one use per state for the cookie's whole life: the store's atomic sliding log makes a replayed
  // callback (the same URL and cookie again) lose, on one instance or many.
  const key = `oauth-state:${hashToken(request.state)}`
  const use = await core.rateStore.hitRateLimit(key, { limit: 1, windowMs: STATE_TTL_SECONDS * 1000 }, now)
  if (!use.allowed) return { type: 'refused', code: 'invalid_state' }
  let profile: Awaited<ReturnType<OAuthProvider['complete']>>
  try {
    profile = await provider.complete(query, request)
  } catch (error) {
    const failure = toFailure(error)
    core.logger.warn('portcullis: oauth sign-in refused by the provider checks', {
      provider: provider.name,
      code: failure.code,
      error: failure.message,
      requestId: ctx.requestId,
    })
    return refuse(core, provider.name, failure.code, null, ctx)
  }
  if (request.link) return linkProviderIdentity(core, provider.name, profile, request.link, ctx)
  return signInWithProvider(core, provider.name, profile, policy, ctx)
}

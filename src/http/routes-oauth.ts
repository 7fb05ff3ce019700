import type { Principal } from '../auth-types.js'
import type { OAuthApi, OAuthBegin, OAuthOutcome } from '../auth-types-oauth.js'
import { AuthError } from '../errors.js'
import { oauthCookie } from './oauth-cookie.js'
import { type Route, route } from './route-def.js'
import { toJson } from './token-reply.js'
import type { Reply, RouteContext } from './types.js'

type AnyContext = RouteContext<unknown, Principal | null>

/** The provider sign-in API, or NOT_FOUND when no provider is configured (the routes then do not exist). */
function oauthOf(c: AnyContext): OAuthApi {
  if (!c.auth.oauth) throw new AuthError('NOT_FOUND')
  return c.auth.oauth
}

/** `base` with `params` added to its query (or, for secrets the app's server must not see, its fragment). */
function withParams(
  base: string,
  params: Record<string, string>,
  where: 'query' | 'fragment' = 'query',
): string {
  const url = new URL(base)
  if (where === 'query') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  else url.hash = new URLSearchParams(params).toString()
  return url.href
}

const redirect = (location: string): Reply => ({ status: 302, body: null, headers: { Location: location } })

/** Sets the state cookie of a begun request and answers with the provider URL. */
function stateCookieSet(c: AnyContext, begun: Extract<OAuthBegin, { type: 'redirect' }>): string {
  c.setCookie(oauthCookie(c.auth.settings).set(begun.stateCookie, begun.maxAgeSeconds))
  return begun.url
}

/**
 * Where the callback sends the browser. A session travels in the auth cookies (the callback is a navigation,
 * so cookie transport whatever the request looked like); an MFA challenge's token in the URL fragment, which
 * browsers send to no server and put in no Referer; a refusal as `?error=<code>`.
 */
function callbackReply(c: AnyContext, oauth: OAuthApi, outcome: OAuthOutcome): Reply {
  switch (outcome.type) {
    case 'tokens':
      c.setCookie(...c.cookies.tokens(outcome.tokens, c.auth.clock.now()))
      return redirect(oauth.redirects.success)
    case 'mfa':
      return redirect(
        withParams(
          oauth.redirects.success,
          { mfaToken: outcome.mfaToken, methods: outcome.methods.join(',') },
          'fragment',
        ),
      )
    case 'linked':
      return redirect(withParams(oauth.redirects.success, { linked: outcome.provider }))
    case 'refused':
      return redirect(withParams(oauth.redirects.error, { error: outcome.code }))
  }
}

/** Sign-in with external providers (http-contract.md, "OAuth login"); every route is 404 without providers. */
export const oauthRoutes: Route[] = [
  // Before `/oauth/:provider`, which its path also matches (no provider may be named `identities`).
  route({
    method: 'GET',
    path: '/oauth/identities',
    auth: 'user',
    handler: async (c) => ({
      status: 200,
      body: { identities: toJson(await oauthOf(c).listIdentities(c.principal)) },
    }),
  }),
  route({
    method: 'DELETE',
    path: '/oauth/identities/:provider',
    auth: 'user',
    handler: async (c) => {
      await oauthOf(c).unlink(c.principal, c.params.provider ?? '', c.context)
      return { status: 204, body: null }
    },
  }),
  route({
    method: 'GET',
    path: '/oauth/:provider',
    auth: 'public',
    handler: async (c) => {
      const oauth = oauthOf(c)
      const begun = await oauth.begin(c.params.provider ?? '')
      if (begun.type === 'refused') return redirect(withParams(oauth.redirects.error, { error: begun.code }))
      return redirect(stateCookieSet(c, begun))
    },
  }),
  route({
    method: 'GET',
    path: '/oauth/:provider/callback',
    auth: 'public',
    // A callback is a sign-in: it shares the login routes' per-IP limits.
    rateLimits: [
      { rule: 'loginPerIp', by: 'ip' },
      { rule: 'loginPerIpDaily', by: 'ip' },
    ],
    handler: async (c) => {
      const oauth = oauthOf(c)
      const cookie = oauthCookie(c.auth.settings)
      const outcome = await oauth.finish(
        c.params.provider ?? '',
        c.req.query,
        c.req.cookies[cookie.name],
        c.context,
      )
      // Single use: whatever happened, this request's state is spent.
      c.setCookie(cookie.clear())
      return callbackReply(c, oauth, outcome)
    },
  }),
  route({
    method: 'POST',
    path: '/oauth/:provider/link',
    auth: 'user',
    handler: async (c) => {
      const begun = await oauthOf(c).begin(c.params.provider ?? '', { link: c.principal })
      if (begun.type === 'refused') throw new AuthError('UNAVAILABLE', 'The provider cannot be reached.')
      return { status: 200, body: { url: stateCookieSet(c, begun) } }
    },
  }),
]

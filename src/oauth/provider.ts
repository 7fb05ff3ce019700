import type * as OpenId from 'openid-client'
import { ProviderFailure, toFailure } from './failure.js'
import { fetchGitHubProfile } from './github.js'
import type { ProviderSettings, ProviderType } from './settings.js'

type OpenIdClient = typeof OpenId

/** Who the provider says signed in. */
export interface ProviderProfile {
  /** The provider's stable id for the account (`sub`; GitHub's numeric id). */
  subject: string
  email: string | null
  /** True only when the provider said so explicitly (`email_verified: true`, GitHub's `verified`). */
  emailVerified: boolean
  name: string | null
}

/** The values one authorization request was started with, kept in the sealed state cookie. */
export interface AuthorizationChecks {
  state: string
  codeVerifier: string
  /** The OIDC nonce; null for a provider without ID tokens (GitHub). */
  nonce: string | null
}

/** One configured provider: builds authorization URLs and completes callbacks, through openid-client. */
export interface OAuthProvider {
  readonly name: string
  readonly type: ProviderType
  /** Whether the provider issues ID tokens, so a nonce is sent and checked. */
  readonly usesNonce: boolean
  /** The provider's authorization URL for one request (PKCE `S256`, always). */
  authorizationUrl(checks: AuthorizationChecks): Promise<string>
  /** Checks the authorization response and exchanges its code; throws `ProviderFailure`. */
  complete(query: URLSearchParams, checks: AuthorizationChecks): Promise<ProviderProfile>
}

const GOOGLE_ISSUER = 'https://accounts.google.com'
const GITHUB_METADATA = {
  issuer: 'https://github.com',
  authorization_endpoint: 'https://github.com/login/oauth/authorize',
  token_endpoint: 'https://github.com/login/oauth/access_token',
}
const defaultScopes: Record<ProviderType, string[]> = {
  oidc: ['openid', 'email', 'profile'],
  google: ['openid', 'email', 'profile'],
  github: ['read:user', 'user:email'],
}
/** Seconds an outbound request to a provider may take. */
const TIMEOUT_SECONDS = 10
/** OIDC Core §2: `sub` is at most 255 ASCII characters. */
const MAX_SUBJECT_LENGTH = 255
/** The longest email kept with an identity (the store's email columns hold 320 characters). */
const MAX_EMAIL_LENGTH = 320

let library: Promise<OpenIdClient> | null = null
/** openid-client, loaded on first use: it is an optional peer dependency, needed only with providers. */
function loadOpenIdClient(): Promise<OpenIdClient> {
  library ??= import('openid-client').catch((error: unknown) => {
    library = null
    throw new ProviderFailure(
      'provider_unavailable',
      'openid-client is not installed (npm i openid-client)',
      {
        cause: error,
      },
    )
  })
  return library
}

/** Creates the provider `name` from its settings; `redirectUri` is its callback URL. */
export function createProvider(name: string, settings: ProviderSettings, redirectUri: string): OAuthProvider {
  const usesNonce = settings.type !== 'github'
  const scope = (settings.scopes ?? defaultScopes[settings.type]).join(' ')
  let configuration: Promise<OpenId.Configuration> | null = null
  // Discovery runs once, on first use; a failure is retried by the next request instead of being cached.
  const configure = () => {
    configuration ??= configureClient(settings).catch((error: unknown) => {
      configuration = null
      throw toFailure(error)
    })
    return configuration
  }

  return {
    name,
    type: settings.type,
    usesNonce,
    async authorizationUrl(checks) {
      const client = await loadOpenIdClient()
      const config = await configure()
      const params: Record<string, string> = {
        redirect_uri: redirectUri,
        scope,
        state: checks.state,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        // S256 only: `plain` would hand the verifier to anyone who sees the authorization request.
        code_challenge_method: 'S256',
      }
      if (usesNonce && checks.nonce !== null) params.nonce = checks.nonce
      return client.buildAuthorizationUrl(config, params).href
    },
    async complete(query, checks) {
      const client = await loadOpenIdClient()
      const config = await configure()
      checkIssuer(config.serverMetadata(), query)
      // The redirect URI comes from config, never from the request's Host header.
      const currentUrl = new URL(redirectUri)
      for (const [key, value] of query) currentUrl.searchParams.append(key, value)
      try {
        const tokens = await client.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          ...(usesNonce ? { expectedNonce: checks.nonce ?? undefined, idTokenExpected: true } : {}),
        })
        const profile = usesNonce
          ? await oidcProfile(client, config, tokens)
          : await fetchGitHubProfile(tokens.access_token, fetch, TIMEOUT_SECONDS * 1000)
        return checkedProfile(profile)
      } catch (error) {
        throw toFailure(error)
      }
    },
  }
}

/** openid-client's configuration of a provider: discovered (OIDC, Google) or fixed (GitHub). */
async function configureClient(settings: ProviderSettings): Promise<OpenId.Configuration> {
  const client = await loadOpenIdClient()
  const metadata = { client_secret: settings.clientSecret }
  // client_secret_basic is OIDC's default method; a provider that lists only client_secret_post gets that.
  const secret = settings.clientSecret
  const clientAuth: OpenId.ClientAuth = (as, c, body, headers) => {
    const methods = as.token_endpoint_auth_methods_supported
    const basic = methods === undefined || methods.includes('client_secret_basic')
    return (basic ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret))(as, c, body, headers)
  }
  const execute = settings.allowInsecureRequests ? [client.allowInsecureRequests] : []
  let config: OpenId.Configuration
  if (settings.type === 'github') {
    config = new client.Configuration(
      GITHUB_METADATA,
      settings.clientId,
      metadata,
      client.ClientSecretPost(secret),
    )
  } else {
    const issuer = new URL(settings.type === 'google' ? GOOGLE_ISSUER : (settings.issuer as string))
    config = await client.discovery(issuer, settings.clientId, metadata, clientAuth, {
      execute,
      timeout: TIMEOUT_SECONDS,
    })
  }
  config.timeout = TIMEOUT_SECONDS
  return config
}

/**
 * RFC 9207 against mix-up attacks: an `iss` in the response must be this provider's issuer, and a provider
 * that announces `authorization_response_iss_parameter_supported` must send it. Checked before anything
 * is sent to the token endpoint (openid-client checks it again).
 */
function checkIssuer(
  metadata: { issuer: string; authorization_response_iss_parameter_supported?: boolean },
  query: URLSearchParams,
): void {
  const iss = query.get('iss')
  if (iss === null && metadata.authorization_response_iss_parameter_supported === true)
    throw new ProviderFailure('issuer_mismatch', 'the authorization response has no iss parameter')
  if (iss !== null && iss !== metadata.issuer)
    throw new ProviderFailure('issuer_mismatch', 'the authorization response names another issuer')
}

/** The profile from the ID token's claims, completed from the userinfo endpoint when they carry no email. */
async function oidcProfile(
  client: OpenIdClient,
  config: OpenId.Configuration,
  tokens: OpenId.TokenEndpointResponse & OpenId.TokenEndpointResponseHelpers,
): Promise<ProviderProfile> {
  const claims = tokens.claims()
  if (!claims) throw new ProviderFailure('invalid_response', 'the token response carries no ID token')
  let source: Record<string, unknown> = claims
  if (typeof claims.email !== 'string' && config.serverMetadata().userinfo_endpoint !== undefined)
    // fetchUserInfo checks that the userinfo `sub` is the ID token's.
    source = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), sub: claims.sub }
  return {
    subject: claims.sub,
    email: typeof source.email === 'string' ? source.email : null,
    // Some providers send the string "true"; anything else (absent, false) is unverified.
    emailVerified: source.email_verified === true || source.email_verified === 'true',
    name: typeof source.name === 'string' ? source.name : null,
  }
}

/** Refuses a missing or oversized subject; an email longer than any address (RFC 5321) counts as none. */
function checkedProfile(profile: ProviderProfile): ProviderProfile {
  const { subject } = profile
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH)
    throw new ProviderFailure('invalid_response', 'the provider subject is missing or too long')
  if (profile.email !== null && profile.email.length > MAX_EMAIL_LENGTH)
    return { ...profile, email: null, emailVerified: false }
  return profile
}

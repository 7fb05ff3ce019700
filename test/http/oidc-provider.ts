import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

/** An account at the test provider: its OIDC claims. */
export interface TestAccount {
  sub: string
  email?: string
  email_verified?: boolean
  name?: string
}

/** A certified OpenID Provider (oidc-provider) on 127.0.0.1, with one confidential client registered for us. */
export interface TestIdp {
  issuer: string
  clientId: string
  clientSecret: string
  /** Accounts by `sub`; tests add their own. */
  accounts: Map<string, TestAccount>
  /**
   * Plays the browser at the provider: opens the authorization URL, signs in as `sub` and consents (the
   * interaction routes finish at once, like a user who clicks through), following redirects with the
   * provider's cookies, until the provider redirects to `redirectPrefix`. Returns that callback URL.
   */
  authorize(authorizationUrl: string, sub: string, redirectPrefix: string): Promise<URL>
  close(): Promise<void>
}

/** Starts the provider; `redirectUris` are the callback URLs the client may use. */
export async function startTestIdp(redirectUris: string[]): Promise<TestIdp> {
  const accounts = new Map<string, TestAccount>()
  const clientId = 'portcullis-test'
  const clientSecret = `secret-${randomBytes(16).toString('hex')}`
  let signingInAs = ''
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | null = null
  const server = createServer((req, res) => handle?.(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id)
      return account ? { accountId: id, claims: async () => ({ ...account }) } : undefined
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // Refuse any authorization request without PKCE: our client must always send it.
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    // Explicit lifetimes (the defaults print a notice each).
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
  })
  const callback = provider.callback()

  /** The interaction routes: sign in as `signingInAs`, grant every scope and claim asked for. */
  async function interact(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res)
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId: signingInAs } })
      return
    }
    const grant = new provider.Grant({
      accountId: details.session?.accountId ?? signingInAs,
      clientId: String(details.params.client_id),
    })
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] }
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
    const grantId = await grant.save()
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
  }

  handle = (req, res) => {
    if (req.url?.startsWith('/interaction/'))
      interact(req, res).catch((error: unknown) => {
        res.statusCode = 500
        res.end(String(error))
      })
    else callback(req, res)
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    async authorize(authorizationUrl, sub, redirectPrefix) {
      signingInAs = sub
      const jar = new Map<string, string>()
      let url = new URL(authorizationUrl)
      for (let hop = 0; hop < 12; hop++) {
        const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
        const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} })
        for (const raw of res.headers.getSetCookie()) {
          const [pair = ''] = raw.split(';')
          const eq = pair.indexOf('=')
          jar.set(pair.slice(0, eq), pair.slice(eq + 1))
        }
        const location = res.headers.get('location')
        if (location === null) throw new Error(`the provider answered ${res.status}: ${await res.text()}`)
        url = new URL(location, url)
        if (url.href.startsWith(redirectPrefix)) return url
      }
      throw new Error('too many redirects at the provider')
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

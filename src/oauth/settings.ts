import { z } from 'zod'

/** The providers portcullis knows: any OpenID Connect issuer (by discovery), and two presets. */
export const providerTypes = ['oidc', 'google', 'github'] as const
/** A provider's type: `oidc` (issuer discovery), `google` (OIDC, fixed issuer), `github` (OAuth 2 + its API). */
export type ProviderType = (typeof providerTypes)[number]

// A scope token (RFC 6749 §3.3): printable ASCII without space, `"` or `\`.
const scope = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be one scope token')

const providerSchema = z
  .strictObject({
    type: z.enum(providerTypes),
    /** The issuer of an `oidc` provider: its discovery document is read from `<issuer>/.well-known/…`. */
    issuer: z.url({ protocol: /^https?$/ }).optional(),
    clientId: z.string().min(1).max(512),
    /** A secret: it is only ever sent to the provider's token endpoint, never logged. */
    clientSecret: z.string().min(1).max(4096),
    /** Default: `openid email profile` (OIDC, Google), `read:user user:email` (GitHub). */
    scopes: z.array(scope).min(1).optional(),
    /**
     * Allows `http://` endpoints (a provider on localhost during development); refused in production.
     * Everything else about the flow stays the same.
     */
    allowInsecureRequests: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.type === 'oidc' && p.issuer === undefined)
      ctx.addIssue({ code: 'custom', path: ['issuer'], message: 'required for an oidc provider' })
    if (p.type !== 'oidc' && p.issuer !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['issuer'],
        message: `not allowed for ${p.type}: its issuer is fixed`,
      })
  })

/** The `oauth` settings: providers by name, where the browser goes afterwards, and the linking policy. */
export const oauthSettingsSchema = z.strictObject({
  /** Provider name (the `:provider` of the routes) → provider. `identities` is taken by a route. */
  providers: z.record(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 lower-case letters, digits, _ or -')
      .refine((name) => name !== 'identities', 'is reserved (GET /oauth/identities)'),
    providerSchema,
  ),
  /** Where the callback routes live: `<redirectBaseUrl>/oauth/<provider>/callback`. Default: appUrl + mountPath. */
  redirectBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Where a signed-in browser goes. Default: appUrl + `/`. */
  successRedirect: z.url({ protocol: /^https?$/ }).optional(),
  /** Where a refused sign-in goes, with `?error=<code>`. Default: appUrl + `/login`. */
  errorRedirect: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Sign a provider identity whose email the provider verified into the local account with that (verified)
   * email, linking it. Off: such a sign-in is refused with `account_exists`, and the owner links it from a
   * signed-in session instead.
   */
  autoLinkVerifiedEmail: z.boolean().default(false),
})

/** The `oauth` settings as given. */
export type OAuthSettingsInput = z.input<typeof oauthSettingsSchema>
/** The `oauth` settings after validation and defaults. */
export type OAuthSettings = z.output<typeof oauthSettingsSchema>
/** One provider's settings after validation. */
export type ProviderSettings = OAuthSettings['providers'][string]

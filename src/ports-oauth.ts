/**
 * Store operations for sign-in with external identity providers (linked identities).
 * Filled in by the OAuth work; `Store` extends this interface.
 */
// biome-ignore lint/suspicious/noEmptyInterface: the provider-identity operations are added here.
export interface OAuthStore {}

/**
 * Store operations for API keys and administration (user listing).
 * Filled in by the admin/API-key work; `Store` extends this interface.
 */
// biome-ignore lint/suspicious/noEmptyInterface: the admin and API-key operations are added here.
export interface AdminStore {}

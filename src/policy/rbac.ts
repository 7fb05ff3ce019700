/** A permission requirement: one permission, any of several, or all of several. */
export type PermissionCheck = string | { anyOf: readonly string[] } | { allOf: readonly string[] }

/** True when `granted` (`*` grants everything) satisfies the requirement. */
export function hasPermission(granted: readonly string[], requirement: PermissionCheck): boolean {
  const has = (p: string) => granted.includes('*') || granted.includes(p)
  if (typeof requirement === 'string') return has(requirement)
  return 'anyOf' in requirement ? requirement.anyOf.some(has) : requirement.allOf.every(has)
}

/**
 * True when an API key's scopes grant `scope`. A principal signed in with a password (no key) is not
 * narrowed by scopes: scopes restrict what a key may do on its user's behalf, never what the user may do.
 */
export function hasScope(keyScopes: readonly string[] | null, scope: string): boolean {
  return keyScopes === null || keyScopes.includes(scope)
}

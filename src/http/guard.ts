import type { Auth, Principal } from '../auth-types.js'
import { clientIpResolver } from './client-ip.js'
import { cookieNames } from './cookies.js'
import { originPolicy } from './cors.js'
import { checkCsrf, checkOrigin } from './csrf.js'
import { createErrorResponder } from './error-response.js'
import {
  authenticateRequest,
  checkPermissions,
  checkRoles,
  checkScope,
  chooseTransport,
  type PermissionRequirement,
  type RoleRequirement,
} from './principal.js'
import type { AuthRequest, AuthResponse } from './types.js'

/** What a guard demands beyond a valid access token or API key. */
export type GuardRequirement = { roles?: RoleRequirement; permission?: PermissionRequirement; scope?: string }

/** A guard's verdict: the principal, or the error response to send instead of running the host's route. */
export type GuardResult = { ok: true; principal: Principal } | { ok: false; response: AuthResponse }

/**
 * Builds the check behind every adapter's `requireAuth`/`requireRole`/`requirePermission`: the same Origin,
 * transport, CSRF and token checks as the auth routes (a host's own cookie-authenticated POST needs CSRF
 * protection just as much), then the role or permission. Errors have the contract's shape and headers.
 */
export function createGuard(auth: Auth) {
  const http = auth.settings.http
  const origins = originPolicy(auth.settings)
  const names = cookieNames(auth.settings)
  const errorResponse = createErrorResponder(auth)
  const ips = clientIpResolver(http.trustProxy)

  return async function guard(req: AuthRequest, requirement: GuardRequirement = {}): Promise<GuardResult> {
    try {
      checkOrigin(req, origins)
      const transport = chooseTransport(req, http.transports, names.csrf)
      checkCsrf(auth, req, transport, names.csrf)
      // The host's own routes accept an `X-API-Key` as well (http-contract.md, Pinned behaviours: API keys).
      const ip = ips.clientIp(req.remoteAddress, req.headers['x-forwarded-for'])
      const principal = await authenticateRequest(auth, req, transport, names.access, { apiKey: true, ip })
      const refused =
        (requirement.roles !== undefined ? checkRoles(principal, requirement.roles) : null) ??
        (requirement.permission !== undefined ? checkPermissions(principal, requirement.permission) : null) ??
        (requirement.scope !== undefined ? checkScope(principal, requirement.scope) : null)
      if (refused !== null) throw refused
      return { ok: true, principal }
    } catch (thrown) {
      return { ok: false, response: errorResponse(req, thrown, 'authenticated') }
    }
  }
}

/** Validates guard arguments at construction: a guard that can never pass is a programming mistake. */
export function roleRequirement(roles: readonly string[]): GuardRequirement {
  if (roles.length === 0 || roles.some((r) => typeof r !== 'string' || r === ''))
    throw new TypeError('requireRole needs at least one role name')
  return { roles }
}

/** Validates a scope requirement at construction (`requireScope('reports:read')`). */
export function scopeRequirement(scope: string): GuardRequirement {
  if (typeof scope !== 'string' || !/^[a-z][a-z0-9_.:-]{0,63}$/.test(scope))
    throw new TypeError('requireScope needs a scope name such as reports:read')
  return { scope }
}

/** Validates a permission requirement at construction. */
export function permissionRequirement(permission: PermissionRequirement): GuardRequirement {
  const list =
    typeof permission === 'string'
      ? [permission]
      : 'anyOf' in permission
        ? permission.anyOf
        : permission.allOf
  if (list.length === 0 || list.some((p) => typeof p !== 'string' || p === ''))
    throw new TypeError('requirePermission needs at least one permission name')
  return { permission }
}

import type { z } from 'zod'
import type { Principal } from '../auth-types.js'
import type { BodyKind } from './body.js'
import type { ErrorFormatter } from './errors.js'
import type { RouteRateLimit } from './rate-limits.js'
import type { Reply, RouteContext } from './types.js'

/** Who may call a route: anyone, or a user with a valid access token. */
export type RouteAccess = 'public' | 'user'

/** One route of the table, as written (typed by its schema and access). */
export interface RouteDef<S extends z.ZodType, A extends RouteAccess> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Relative to the mount point; `:name` segments become `params.name`. */
  path: string
  /** Body encoding; default 'json' when a schema is given, else 'none'. */
  body?: BodyKind
  /** Validates the body (form bodies arrive as a record of strings). */
  schema?: S
  auth: A
  /** "API key allowed": an `X-API-Key` header authenticates this `user` route too. */
  apiKey?: boolean
  rateLimits?: readonly RouteRateLimit[]
  /** The body field that holds the email the (IP, email) limits key on; default `email`. */
  emailField?: string
  /** 'refresh' on /token/refresh: token errors are 401 there (errors.ts). */
  surface?: 'refresh'
  /** A route with its own error dialect (RFC 6749 §5.2 on /token). */
  formatError?: ErrorFormatter
  handler: (ctx: RouteContext<z.output<S>, A extends 'user' ? Principal : null>) => Promise<Reply>
}

/** A route with its types erased, as the handler dispatches it. */
export interface Route {
  method: string
  path: string
  segments: string[]
  body: BodyKind
  schema: z.ZodType | undefined
  auth: RouteAccess
  apiKey: boolean
  rateLimits: readonly RouteRateLimit[]
  emailField: string
  surface: 'default' | 'refresh' | 'authenticated'
  formatError: ErrorFormatter | undefined
  handler: (ctx: RouteContext<unknown, Principal | null>) => Promise<Reply>
}

/** Declares one route; adding a route to the table is one `route({...})` entry. */
export function route<
  S extends z.ZodType = z.ZodType<Record<string, never>>,
  A extends RouteAccess = RouteAccess,
>(def: RouteDef<S, A>): Route {
  return {
    method: def.method,
    path: def.path,
    segments: def.path.split('/').filter(Boolean),
    body: def.body ?? (def.schema === undefined ? 'none' : 'json'),
    schema: def.schema,
    auth: def.auth,
    apiKey: def.apiKey ?? false,
    rateLimits: def.rateLimits ?? [],
    emailField: def.emailField ?? 'email',
    surface: def.surface ?? (def.auth === 'user' ? 'authenticated' : 'default'),
    formatError: def.formatError,
    handler: def.handler as Route['handler'],
  }
}

/** The routes whose pattern matches a path, each with its decoded params. */
export function matchPath(
  routes: readonly Route[],
  path: string,
): Array<{ route: Route; params: Record<string, string> }> {
  const parts = path.split('/').filter(Boolean)
  const out: Array<{ route: Route; params: Record<string, string> }> = []
  for (const candidate of routes) {
    const params = matchSegments(candidate.segments, parts)
    if (params !== null) out.push({ route: candidate, params })
  }
  return out
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null
  const params: Record<string, string> = {}
  for (const [i, segment] of pattern.entries()) {
    const part = parts[i] ?? ''
    if (segment.startsWith(':')) {
      const value = decode(part)
      if (value === null || value.length === 0 || value.length > 256) return null
      params[segment.slice(1)] = value
    } else if (segment !== part) return null
  }
  return params
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part)
  } catch {
    return null
  }
}

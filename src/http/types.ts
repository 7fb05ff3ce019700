import type { Auth, Principal, RequestContext } from '../auth-types.js'
import type { ErrorSurface } from '../errors.js'
import type { CookieWriter } from './cookies.js'

/** A JSON value as a response body carries it. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue | undefined }

/** A framework-neutral HTTP request, as every adapter builds it. */
export interface AuthRequest {
  /** Upper-case method (`GET`, `POST`, …). */
  method: string
  /** The path relative to the mount point, still percent-encoded, starting with `/` (no query). */
  path: string
  query: URLSearchParams
  /** Header names lower-cased; repeated headers joined with `, ` (cookies with `; `). */
  headers: Record<string, string>
  cookies: Record<string, string>
  /** The body as received (UTF-8), or undefined when the request had none. */
  rawBody: string | undefined
  /** Set by an adapter that stopped reading because the body passed `http.bodyLimitBytes`. */
  bodyTooLarge?: boolean
  /** The socket's peer address; X-Forwarded-For is applied later, per `trustProxy`. */
  remoteAddress: string | undefined
  /** True when the request arrived over a TLS socket. */
  secure: boolean
}

/** A framework-neutral HTTP response. */
export interface AuthResponse {
  status: number
  /** Header values; `set-cookie` may hold several. Names as they should be sent. */
  headers: Record<string, string | string[]>
  /** A JSON value (serialised by `serializeBody`), a ready string, or null for no body. */
  body: JsonValue | string | null
}

/** How a request carries its tokens (http-contract.md, Conventions). */
export type Transport = 'cookie' | 'bearer'

/** What a route handler returns; `handle` adds the common headers and the cookies it set. */
export interface Reply {
  status: number
  body?: JsonValue | null
  headers?: Record<string, string>
}

/** Everything a route handler may use. `principal` is set on `auth: 'user'` routes. */
export interface RouteContext<Body, P extends Principal | null> {
  auth: Auth
  req: AuthRequest
  body: Body
  params: Record<string, string>
  transport: Transport
  principal: P
  /** Facts the flows record (ip, user agent, request id, locale). */
  context: RequestContext
  /** Builds the auth cookies of this configuration. */
  cookies: CookieWriter
  /** Adds `Set-Cookie` headers to the response. */
  setCookie(...headers: string[]): void
}

export type { ErrorSurface }

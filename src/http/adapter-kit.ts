import { readBodyStream } from './body.js'
import { parseCookies } from './cookies.js'
import type { AuthRequest, AuthResponse } from './types.js'

/** Raw header values as Node and web frameworks hand them over. */
export type RawHeaders = Record<string, string | string[] | undefined> | Iterable<[string, string]>

/** Lower-cases header names; repeated headers are joined with `, ` (cookies with `; `, as RFC 6265 sends them). */
export function normalizeHeaders(raw: RawHeaders): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  const entries = Symbol.iterator in raw ? raw : Object.entries(raw)
  for (const [name, value] of entries as Iterable<[string, string | string[] | undefined]>) {
    if (value === undefined) continue
    const key = name.toLowerCase()
    const separator = key === 'cookie' ? '; ' : ', '
    const joined = Array.isArray(value) ? value.join(separator) : value
    out[key] = out[key] === undefined ? joined : `${out[key]}${separator}${joined}`
  }
  return out
}

/** What an adapter knows about a request, in the shape it has it. */
export interface RequestParts {
  method: string
  /** The path and query relative to the mount point (`/login?x=1`). */
  url: string
  headers: RawHeaders
  remoteAddress: string | undefined
  secure: boolean
  rawBody?: string | undefined
  bodyTooLarge?: boolean
}

/** Builds the framework-neutral request from an adapter's parts. */
export function toAuthRequest(parts: RequestParts): AuthRequest {
  const headers = normalizeHeaders(parts.headers)
  const queryAt = parts.url.indexOf('?')
  const path = queryAt === -1 ? parts.url : parts.url.slice(0, queryAt)
  return {
    method: parts.method.toUpperCase(),
    path: path.startsWith('/') ? path : `/${path}`,
    query: new URLSearchParams(queryAt === -1 ? '' : parts.url.slice(queryAt + 1)),
    headers,
    cookies: parseCookies(headers.cookie),
    rawBody: parts.rawBody,
    bodyTooLarge: parts.bodyTooLarge ?? false,
    remoteAddress: parts.remoteAddress,
    secure: parts.secure,
  }
}

/**
 * Reads a request body for an adapter: a declared Content-Length over the limit is refused without reading a
 * byte; otherwise the stream is read up to the limit.
 */
export async function readRequestBody(
  headers: RawHeaders,
  stream: AsyncIterable<Uint8Array | string> | null | undefined,
  limitBytes: number,
): Promise<{ rawBody: string | undefined; bodyTooLarge: boolean }> {
  const declared = Number(normalizeHeaders(headers)['content-length'])
  if (Number.isFinite(declared) && declared > limitBytes) return { rawBody: undefined, bodyTooLarge: true }
  if (stream === null || stream === undefined) return { rawBody: undefined, bodyTooLarge: false }
  return readBodyStream(stream, limitBytes)
}

/** The body of a response as the bytes an adapter sends: JSON serialised, strings as they are, null as none. */
export function serializeBody(response: AuthResponse): string | null {
  if (response.body === null) return null
  return typeof response.body === 'string' ? response.body : JSON.stringify(response.body)
}

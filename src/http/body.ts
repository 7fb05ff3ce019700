import { AuthError } from '../errors.js'
import type { AuthRequest } from './types.js'

/** How a route's body is encoded: JSON, form-encoded (RFC 6749 token endpoint), or no body at all. */
export type BodyKind = 'json' | 'form' | 'none'

/** The outcome of reading a body: the parsed value, or the error to answer with (after rate limiting). */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: AuthError }

const mediaTypes: Record<Exclude<BodyKind, 'none'>, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
}

/** True when the body is over `limitBytes` (or the adapter already stopped reading it for that reason). */
export function bodyTooLarge(req: AuthRequest, limitBytes: number): boolean {
  if (req.bodyTooLarge) return true
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limitBytes) return true
  return req.rawBody !== undefined && Buffer.byteLength(req.rawBody, 'utf8') > limitBytes
}

/** The media type of a Content-Type header, lower-cased, without parameters (`; charset=utf-8`). */
function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase()
}

/**
 * Reads a route's body. An empty body is `{}` whatever its Content-Type (a browser's bodiless refresh POST),
 * so a missing field then fails validation. A non-empty body must have the route's media type (415) and
 * parse (400 VALIDATION_FAILED). A form body with a repeated parameter is refused (RFC 6749 §3.2).
 */
export function parseBody(req: AuthRequest, kind: BodyKind, limitBytes: number): ParsedBody {
  if (bodyTooLarge(req, limitBytes)) return { ok: false, error: new AuthError('PAYLOAD_TOO_LARGE') }
  if (kind === 'none' || req.rawBody === undefined || req.rawBody.trim() === '')
    return { ok: true, value: {} }
  if (mediaType(req.headers['content-type']) !== mediaTypes[kind]) {
    const message = `The request body must be ${mediaTypes[kind]}.`
    return { ok: false, error: new AuthError('UNSUPPORTED_MEDIA_TYPE', message) }
  }
  return kind === 'json' ? parseJson(req.rawBody) : parseForm(req.rawBody)
}

function parseJson(text: string): ParsedBody {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, error: new AuthError('VALIDATION_FAILED', 'The request body is not valid JSON.') }
  }
}

function parseForm(text: string): ParsedBody {
  // No prototype: a parameter named __proto__ is then just a key.
  const value: Record<string, string> = Object.create(null)
  for (const [key, item] of new URLSearchParams(text)) {
    if (Object.hasOwn(value, key)) {
      const details = [{ path: key, message: 'must not be repeated' }]
      return {
        ok: false,
        error: new AuthError('VALIDATION_FAILED', `The parameter ${key} is repeated.`, { details }),
      }
    }
    value[key] = item
  }
  return { ok: true, value }
}

/**
 * Reads a request stream up to `limitBytes`, for adapters. Past the limit the rest is drained, not kept, so an
 * oversized body costs at most the limit in memory (breaking off would destroy a Node request's socket, and
 * with it the 413 answer).
 */
export async function readBodyStream(
  stream: AsyncIterable<Uint8Array | string>,
  limitBytes: number,
): Promise<{ rawBody: string | undefined; bodyTooLarge: boolean }> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength
    if (size <= limitBytes)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk))
  }
  if (size > limitBytes) return { rawBody: undefined, bodyTooLarge: true }
  return { rawBody: size === 0 ? undefined : Buffer.concat(chunks).toString('utf8'), bodyTooLarge: false }
}

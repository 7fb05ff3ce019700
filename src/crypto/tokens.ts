import { createHash, timingSafeEqual } from 'node:crypto'
import type { Random } from '../ports.js'

/** Encodes bytes as base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}

/** Decodes base64url; returns null for anything that is not canonical base64url. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null
  const bytes = Buffer.from(text, 'base64url')
  return bytes.toString('base64url') === text ? new Uint8Array(bytes) : null
}

/** A fresh opaque token: 32 random bytes (256 bits), base64url, 43 characters. */
export function generateToken(random: Random, byteLength = 32): string {
  return toBase64Url(random.bytes(byteLength))
}

/**
 * The SHA-256 of a token, base64url: the only form in which tokens are stored. A high-entropy token
 * needs no salt or slow hash: nobody can enumerate 2^256 candidates.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url')
}

/** A random identifier for records (128 bits, base64url). */
export function generateId(random: Random): string {
  return toBase64Url(random.bytes(16))
}

/** Compares two strings in constant time for equal lengths. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}

import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto'

/** Purposes get separate keys derived from each master secret (HKDF-SHA256), so no key serves two uses. */
type Purpose = 'seal' | 'hmac' | 'csrf'

interface DerivedKey {
  id: string
  key: Buffer
}

/**
 * Symmetric crypto for data that must be recoverable (sealed) or verifiable (MAC), keyed by the ring's
 * master secrets. The first secret seals and signs; every secret opens and verifies, so a secret can be
 * rotated by prepending a new one.
 */
export class SecretBox {
  readonly #keys: Record<Purpose, DerivedKey[]>

  constructor(secrets: readonly Uint8Array[]) {
    if (secrets.length === 0) throw new TypeError('SecretBox needs at least one secret')
    const derive = (purpose: Purpose) =>
      secrets.map((s) => {
        const key = Buffer.from(hkdfSync('sha256', s, 'portcullis', `portcullis:${purpose}:v1`, 32))
        return { id: createHash('sha256').update(key).digest('base64url').slice(0, 8), key }
      })
    this.#keys = { seal: derive('seal'), hmac: derive('hmac'), csrf: derive('csrf') }
  }

  /**
   * Encrypts with AES-256-GCM. `context` is bound as associated data: a value sealed for one purpose
   * (say, a TOTP secret of user A) does not open for another.
   */
  seal(plaintext: string, context: string): string {
    const { id, key } = this.#keys.seal[0]!
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    cipher.setAAD(Buffer.from(context, 'utf8'))
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
    return `v1.${id}.${iv.toString('base64url')}.${body.toString('base64url')}`
  }

  /** Decrypts what `seal` made with the same context; null when it was tampered with or the key is gone. */
  open(sealed: string, context: string): string | null {
    const [v, id, ivText, bodyText] = sealed.split('.')
    const entry = this.#keys.seal.find((k) => k.id === id)
    if (v !== 'v1' || !entry || !ivText || !bodyText) return null
    const iv = Buffer.from(ivText, 'base64url')
    const body = Buffer.from(bodyText, 'base64url')
    if (iv.length !== 12 || body.length < 16) return null
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, iv)
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(body.subarray(body.length - 16))
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString(
        'utf8',
      )
    } catch {
      return null
    }
  }

  /** A keyed hash (HMAC-SHA256) with the current secret: a database dump alone cannot brute-force it. */
  mac(purpose: 'hmac' | 'csrf', data: string): string {
    return this.#macWith(this.#keys[purpose][0]!.key, data)
  }

  /** Every keyed hash `data` may be stored under, current secret first (for lookups during rotation). */
  macCandidates(purpose: 'hmac' | 'csrf', data: string): string[] {
    return this.#keys[purpose].map((k) => this.#macWith(k.key, data))
  }

  #macWith(key: Buffer, data: string): string {
    return createHmac('sha256', key).update(data, 'utf8').digest('base64url')
  }
}

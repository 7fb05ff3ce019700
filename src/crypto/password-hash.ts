import { hash, verify } from '@node-rs/argon2'

/** argon2id cost parameters (OWASP: 19456 KiB, 2 passes, 1 lane). */
export interface HashParams {
  memoryCostKiB: number
  timeCost: number
  parallelism: number
}

// The binding's default algorithm is argon2id; `Algorithm` is a const enum that verbatimModuleSyntax
// cannot import, so we rely on that default and check it in needsRehash.

/** Hashes a password with argon2id on libuv's thread pool, off the event loop. */
export function hashPassword(password: string, params: HashParams): Promise<string> {
  return hash(password, {
    memoryCost: params.memoryCostKiB,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
  })
}

/** Verifies a password against a PHC string; a malformed hash verifies as false, never throws. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password)
  } catch {
    return false
  }
}

/** True when a stored hash was made with other parameters (or another algorithm) than `params`. */
export function needsRehash(phc: string, params: HashParams): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(phc)
  if (!m) return true
  return (
    Number(m[1]) !== params.memoryCostKiB ||
    Number(m[2]) !== params.timeCost ||
    Number(m[3]) !== params.parallelism
  )
}

import { availableParallelism } from 'node:os'
import { hash, verify } from '@node-rs/argon2'

/** argon2id cost parameters (OWASP: 19456 KiB, 2 passes, 1 lane). */
export interface HashParams {
  memoryCostKiB: number
  timeCost: number
  parallelism: number
}

// The binding's default algorithm is argon2id; `Algorithm` is a const enum that verbatimModuleSyntax
// cannot import, so we rely on that default and check it in needsRehash.

/**
 * At most one hash per core at a time, process-wide (cores are): libuv's pool has 4 threads, and 4 memory-hard
 * hashes on 2 cores leave the event loop waiting for a core (its delay rose past 30 ms under a login flood)
 * and queue every other pool job (file system, DNS, WebCrypto) behind them, for no more hashes per second.
 */
const hashSlots = Math.max(1, availableParallelism())
let hashesRunning = 0
const waitingForSlot: (() => void)[] = []

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashesRunning < hashSlots) hashesRunning++
  else await new Promise<void>((resolve) => waitingForSlot.push(resolve))
  try {
    return await work()
  } finally {
    // Hand the slot straight to the next waiter (first come, first served), or free it.
    const next = waitingForSlot.shift()
    if (next) next()
    else hashesRunning--
  }
}

/** Hashes a password with argon2id on libuv's thread pool, off the event loop. */
export function hashPassword(password: string, params: HashParams): Promise<string> {
  return withHashSlot(() =>
    hash(password, {
      memoryCost: params.memoryCostKiB,
      timeCost: params.timeCost,
      parallelism: params.parallelism,
    }),
  )
}

/** Verifies a password against a PHC string; a malformed hash verifies as false, never throws. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await withHashSlot(() => verify(phc, password))
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

import { createHash } from 'node:crypto'

/**
 * A Redis connection: the subset of an ioredis client (`new Redis(url)`) that the rate store and the
 * revocation channel call. ioredis is an optional peer dependency; another client fits if it has these.
 */
export interface RedisClientLike {
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>
  evalsha(sha1: string, numKeys: number, ...args: string[]): Promise<unknown>
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>
  del(...keys: string[]): Promise<number>
  publish(channel: string, message: string): Promise<number>
  /** A new connection with the same options: a subscribed connection can do nothing but listen. */
  duplicate(): RedisSubscriberLike
}

/** A connection in subscriber mode: the subset of an ioredis client that the revocation channel calls. */
export interface RedisSubscriberLike {
  subscribe(channel: string): Promise<unknown>
  on(event: 'message', listener: (channel: string, message: string) => void): unknown
  quit(): Promise<unknown>
}

/** A Lua script and its SHA-1, for EVALSHA. */
export interface LuaScript {
  source: string
  sha1: string
}

/** Prepares a Lua script. */
export function luaScript(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') }
}

/**
 * Runs `script` on one key: EVALSHA, and EVAL when the server does not have the script cached yet (after a
 * restart or a SCRIPT FLUSH). Either way it runs atomically: no other command runs on the server meanwhile.
 */
export async function runScript(
  client: RedisClientLike,
  script: LuaScript,
  key: string,
  args: string[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha1, 1, key, ...args)
  } catch (error) {
    if (!String((error as { message?: unknown })?.message).startsWith('NOSCRIPT')) throw error
    return client.eval(script.source, 1, key, ...args)
  }
}

/** Doubles as Lua returns them (`%.17g` strings), back to numbers without loss. */
export function numbersOf(reply: unknown, count: number): number[] {
  if (!Array.isArray(reply) || reply.length !== count)
    throw new Error(`portcullis redis: unexpected script reply ${JSON.stringify(reply)}`)
  return reply.map((value) => Number(typeof value === 'string' ? value : String(value)))
}

/** A number as an exact script argument (JavaScript's shortest round-trip form, which Lua's tonumber reads). */
export const arg = (value: number): string => String(value)

/**
 * The Lua helper every script starts with: numbers go back as `%.17g` strings, because Redis truncates Lua
 * numbers in replies to integers and Lua's own tostring keeps only 14 digits.
 */
export const luaPrelude = `
local function fmt(n) return string.format('%.17g', n) end
`

import type { AuthConfig } from '../src/config.js'
import { createAuth } from '../src/create-auth.js'
import type { Auth, RequestContext } from '../src/index.js'
import type { Store } from '../src/ports.js'
import { capturedMailer, fakeClock, linksIn, memoryStore } from '../src/testing/index.js'

/** Cheap argon2 parameters: tests exercise the flow, not the hash cost. */
export const fastHashing = { memoryCostKiB: 8192, timeCost: 1, parallelism: 1 }

export const ctx: RequestContext = { ip: '203.0.113.7', userAgent: 'vitest' }

/** A silent logger that keeps what it was told, to assert nothing secret is logged. */
export function memoryLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = []
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields })
  }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** An auth instance on a memory store with a fake clock and a captured mailer. */
export function makeAuth(overrides: Partial<AuthConfig> & { store?: Store } = {}) {
  const clock = fakeClock()
  const mailer = capturedMailer()
  const logger = memoryLogger()
  const store = overrides.store ?? memoryStore()
  const auth = createAuth({
    appUrl: 'http://localhost:3000',
    hashing: fastHashing,
    clock,
    mailer,
    logger,
    ...overrides,
    store,
  })
  /** Sends queued mail now and returns the newest link mailed to `to` (its `token` parameter). */
  const lastToken = async (to: string): Promise<string> => {
    await auth.outbox.runOnce()
    const links = mailer.to(to).flatMap((m) => linksIn(m.text).filter((l) => l.includes('token=')))
    const link = links.at(-1)
    const token = link && new URL(link).searchParams.get('token')
    if (!token) throw new Error(`no token mailed to ${to}`)
    return token
  }
  /** Registers and verifies an account; returns its credentials. */
  const signUp = async (email = 'ada@example.com', password = 'Correct-Horse-9') => {
    await auth.register({ email, password, name: 'Ada Lovelace' }, ctx)
    await auth.verifyEmail(await lastToken(email), ctx)
    return { email, password }
  }
  const signIn = async (email = 'ada@example.com', password = 'Correct-Horse-9', rememberMe?: boolean) => {
    const result = await auth.login({ email, password, rememberMe }, ctx)
    if (result.type !== 'tokens') throw new Error('expected tokens')
    return result.tokens
  }
  return { auth, clock, mailer, logger, store, lastToken, signUp, signIn }
}

/** Awaits a promise expected to reject with an AuthError and returns it. */
export async function authError(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    return error as import('../src/errors.js').AuthError
  }
  throw new Error('expected an AuthError, but the call succeeded')
}

export type TestAuth = ReturnType<typeof makeAuth> & { auth: Auth }

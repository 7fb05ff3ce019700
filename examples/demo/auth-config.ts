import { readFile } from 'node:fs/promises'
import type { AuthConfig, Mailer, RateStore, Store } from '../../src/index.js'
import type { RevocationChannel } from '../../src/ports.js'
import type { DemoEnv } from './env.js'
import { DemoEnvError } from './env.js'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

/** The demo's own settings (the JSON-serialisable part of `createAuth`'s config) from its environment. */
export function demoSettings(env: DemoEnv, keys: string | undefined): JsonObject {
  const http: JsonObject = {
    cors: { origins: env.corsOrigins },
    trustProxy: env.trustProxy,
  }
  // Outside production the demo runs on plain HTTP, where a browser would drop Secure cookies.
  if (!env.production) http.cookies = { secure: false }
  return {
    appUrl: env.appUrl,
    ...(keys === undefined ? {} : { keys }),
    mail: { appName: 'portcullis demo' },
    http,
  }
}

/**
 * The whole config: the demo's settings with the `PORTCULLIS_CONFIG` file deep-merged over them (objects
 * merge key by key, anything else in the file replaces), plus the ports. `createAuth` validates the result.
 */
export async function demoAuthConfig(
  env: DemoEnv,
  keys: string | undefined,
  ports: { store: Store; mailer?: Mailer; rateStore?: RateStore; revocationChannel?: RevocationChannel },
): Promise<AuthConfig> {
  const base = demoSettings(env, keys)
  const merged = env.configPath === undefined ? base : deepMerge(base, await readConfigFile(env.configPath))
  // The settings are checked by createAuth's schema, which names the path of any bad key.
  return { ...(merged as unknown as AuthConfig), ...ports }
}

async function readConfigFile(path: string): Promise<JsonObject> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new DemoEnvError(`PORTCULLIS_CONFIG: cannot read ${path}: ${(error as Error).message}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new DemoEnvError(`PORTCULLIS_CONFIG: ${path} is not valid JSON: ${(error as Error).message}`)
  }
  if (!isObject(value)) throw new DemoEnvError(`PORTCULLIS_CONFIG: ${path} must hold a JSON object`)
  return value
}

/** Merges `over` into `base`; neither is changed. Arrays and scalars in `over` replace. */
export function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base }
  for (const [key, value] of Object.entries(over)) {
    // A file must not be able to reach Object.prototype through the merge.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue
    const current = out[key]
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value
  }
  return out
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The production mailer of the demo, which ships no SMTP setup: it logs that a mail was not delivered, and
 * never its text, since the links carry one-time tokens. A real app passes `smtpMailer(...)` here.
 */
export function undeliveredMailer(): Mailer {
  return {
    async send(mail) {
      process.stderr.write(
        `demo: no mailer configured; not delivering "${mail.subject}" (${mail.kind}) to ${mail.to}\n`,
      )
    },
  }
}

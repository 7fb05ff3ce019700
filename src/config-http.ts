import { z } from 'zod'
import { origin, positive } from './config-kit.js'

const cookieSchema = z
  .strictObject({
    /** `Secure` cookies; defaults to true, may only be turned off outside production. */
    secure: z.boolean().optional(),
    sameSite: z.enum(['lax', 'strict']).default('lax'),
    prefix: z
      .string()
      .regex(/^[a-z0-9_-]*$/i)
      .default('pc_'),
    /** Send `Clear-Site-Data: "cookies"` on logout: wipes every cookie of the site. */
    clearSiteData: z.boolean().default(false),
  })
  .prefault({})

/** The `http` section: mount path, transports, cookies, CORS, proxies, body limit, HSTS, CSP origins. */
export const httpSchema = z
  .strictObject({
    /** Where the router is mounted; cookie paths are derived from it. */
    mountPath: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'must look like /auth (no trailing slash), or "" for the root')
      .default('/auth'),
    transports: z
      .strictObject({ cookie: z.boolean().default(true), bearer: z.boolean().default(true) })
      .prefault({}),
    cookies: cookieSchema,
    cors: z
      .strictObject({
        /** Exact origins allowed for CORS and CSRF `Origin` checks, beside `appUrl`'s own origin. */
        origins: z.array(origin).default([]),
        /** Regular-expression sources matched against the whole origin. */
        patterns: z.array(z.string()).default([]),
        credentials: z.boolean().default(true),
        maxAgeSeconds: z.number().int().min(0).default(600),
      })
      .prefault({}),
    /** Proxies in front of the app: a hop count, or a list of trusted proxy addresses/CIDRs. */
    trustProxy: z.union([z.number().int().min(0), z.array(z.string())]).default(0),
    bodyLimitBytes: positive(16 * 1024),
    hsts: z
      .strictObject({
        maxAgeSeconds: positive(63072000),
        includeSubDomains: z.boolean().default(true),
        preload: z.boolean().default(false),
      })
      .prefault({}),
    /** Extra origins for the CSP (captcha providers and the like). */
    cspExtraOrigins: z
      .strictObject({
        script: z.array(origin).default([]),
        frame: z.array(origin).default([]),
        connect: z.array(origin).default([]),
      })
      .prefault({}),
  })
  .prefault({})

import { z } from 'zod'

// Small schema builders shared by the configuration sections.

/** A whole number of seconds above zero, with a default. */
export const seconds = (d: number) => z.number().int().positive().default(d)
/** A positive whole number with a default. */
export const positive = (d: number) => z.number().int().positive().default(d)
/** A rate-limit rule `{ limit, windowSeconds }` with defaults. */
export const rule = (limit: number, windowSeconds: number) =>
  z
    .strictObject({ limit: z.number().int().positive(), windowSeconds: z.number().int().positive() })
    .prefault({ limit, windowSeconds })

/** A port given as an object: validated structurally, passed through untouched. */
export const port = <T>(name: string, methods: string[]) =>
  z.custom<T>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
    { message: `must be a ${name} (an object with ${methods.join(', ')})` },
  )

/** An origin: scheme and host (and port), no path. */
export const origin = z.string().refine((s) => s === '*' || /^https?:\/\/[^/\s]+$/.test(s), {
  message: 'must be an origin like https://app.example (scheme and host, no path)',
})

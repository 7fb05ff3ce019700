import type { z } from 'zod'
import { AuthError } from '../errors.js'

/** At most this many `{path, message}` entries: enough to fix a form, bounded for absurd inputs. */
const maxDetails = 20

/** Validates a parsed body; failures are 400 VALIDATION_FAILED listing `{path, message}` per problem. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const details = result.error.issues.slice(0, maxDetails).map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }))
  throw new AuthError('VALIDATION_FAILED', undefined, { details })
}

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { settingsSchema } from '../../src/config.js'

/** Every setting's dotted path, down to the rule objects (which the reference lists whole). */
function settingPaths(value: unknown, prefix: string[] = []): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [prefix.join('.')]
  const entries = Object.entries(value)
  const isRule = entries.length === 2 && 'limit' in value && 'windowSeconds' in value
  if (isRule || prefix.join('.') === 'roles') return [prefix.join('.')]
  return entries.flatMap(([k, v]) => settingPaths(v, [...prefix, k]))
}

describe('docs/core-api.md', () => {
  it('documents every setting createAuth accepts', () => {
    const doc = readFileSync('docs/core-api.md', 'utf8')
    const defaults = settingsSchema.parse({ appUrl: 'http://localhost:3000' })
    const missing = settingPaths(defaults).filter((path) => !doc.includes(`\`${path}`))
    expect(missing).toEqual([])
  })
})

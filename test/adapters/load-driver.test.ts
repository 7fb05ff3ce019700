import { describe, expect, it } from 'vitest'
import { loadOptionalDriver } from '../../adapters/kysely/load-driver.js'

describe('optional database drivers', () => {
  it('names the package to install when a driver is missing', async () => {
    const error = (await loadOptionalDriver('portcullis-no-such-driver', 'postgresStore(url)').catch(
      (e: unknown) => e,
    )) as Error
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toBe(
      'portcullis: postgresStore(url) needs the "portcullis-no-such-driver" package; install it (npm install portcullis-no-such-driver)',
    )
    expect(error.cause).toBeDefined()
  })

  it('loads an installed one', async () => {
    const pg = await loadOptionalDriver<{ default: { Pool: unknown } }>('pg', 'postgresStore(url)')
    expect(typeof pg.default.Pool).toBe('function')
  })
})

import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import express from 'express'
import * as client from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expressAuth } from '../../adapters/express/index.js'
import { makeAuth } from './harness.js'
import { PASSWORD } from './kit.js'

// A real OAuth 2.0 client library against POST /token on a listening server: proves the endpoint speaks
// RFC 6749 well enough for third-party clients, not only for our own tests.
describe('openid-client against POST /token', () => {
  const made = makeAuth({ http: { cookies: { secure: false } } })
  let server: Server
  let base: string

  beforeAll(async () => {
    await made.auth.provisionUser({ email: 'oauth@example.com', password: PASSWORD, verified: true })
    const app = express()
    app.use('/auth', expressAuth(made.auth).router)
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
    })
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
    await made.auth.close()
  })

  const configuration = (auth: client.ClientAuth) => {
    const config = new client.Configuration(
      { issuer: base, token_endpoint: `${base}/auth/token` },
      'portcullis-test',
      undefined,
      auth,
    )
    client.allowInsecureRequests(config) // plain http on the loopback test server
    return config
  }

  it('completes the password grant and the refresh grant (client authentication ignored)', async () => {
    for (const auth of [
      client.None(),
      client.ClientSecretBasic('s3cret'),
      client.ClientSecretPost('s3cret'),
    ]) {
      const config = configuration(auth)
      const tokens = await client.genericGrantRequest(config, 'password', {
        username: 'oauth@example.com',
        password: PASSWORD,
      })
      expect(tokens.token_type.toLowerCase()).toBe('bearer')
      expect(tokens.expires_in).toBe(900)
      expect(typeof tokens.access_token).toBe('string')
      expect(typeof tokens.refresh_token).toBe('string')

      const me = await fetch(`${base}/auth/me`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      })
      expect(me.status).toBe(200)

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '')
      expect(refreshed.access_token).not.toBe(tokens.access_token)
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
      expect(refreshed.expires_in).toBe(900)
    }
  })

  it('surfaces RFC 6749 §5.2 errors as invalid_grant', async () => {
    const config = configuration(client.None())
    const wrong = client.genericGrantRequest(config, 'password', {
      username: 'oauth@example.com',
      password: 'Nope-123!x',
    })
    await expect(wrong).rejects.toMatchObject({ error: 'invalid_grant', status: 400 })
    await expect(client.refreshTokenGrant(config, 'not-a-token')).rejects.toMatchObject({
      error: 'invalid_grant',
    })
  })
})

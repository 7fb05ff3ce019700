import { afterAll, afterEach, beforeAll, describe, it } from 'vitest'
import { adapterNames, makeApp, type TestApp } from './harness.js'
import { expectError } from './kit.js'
import { startTestIdp, type TestIdp } from './oidc-provider.js'
import { CALLBACK, oauthConfig, oauthScenarios } from './scenarios-oauth.js'

// Sign-in with a real, certified OpenID Provider (oidc-provider) on loopback, through each framework adapter.
let idp: TestIdp
beforeAll(async () => {
  idp = await startTestIdp([CALLBACK])
})
afterAll(async () => {
  await idp?.close()
})

describe.each(adapterNames)('%s adapter: OAuth sign-in', (adapter) => {
  let app: TestApp | undefined
  afterEach(async () => {
    await app?.close()
    app = undefined
  })
  for (const scenario of oauthScenarios) {
    it(scenario.name, async () => {
      app = await makeApp(adapter, oauthConfig(idp, scenario))
      await scenario.run(app, idp)
    })
  }
  it('without providers the OAuth routes are 404', async () => {
    app = await makeApp(adapter)
    expectError(await app.send({ method: 'GET', path: '/auth/oauth/oidc' }), 404, 'NOT_FOUND')
  })
})

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createAuth } from '../../src/create-auth.js'
import type { Store } from '../../src/ports.js'
import { memoryStore } from '../../src/testing/index.js'
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

describe('OAuth sign-in races', () => {
  /** Holds the first `parties` calls of `findIdentity` until all have read: every caller sees "not linked yet". */
  function barrier(store: Store, parties: number): Store {
    const waiting: Array<() => void> = []
    const find = store.findIdentity.bind(store)
    return Object.assign(Object.create(store) as Store, {
      async findIdentity(provider: string, subject: string) {
        const found = await find(provider, subject)
        if (waiting.length < parties)
          await new Promise<void>((resolve) => {
            waiting.push(resolve)
            if (waiting.length === parties) for (const release of waiting) release()
          })
        return found
      },
    })
  }

  it('parallel first sign-ins of one new identity create one account, and every one signs into it', async () => {
    const parties = 5
    const auth = createAuth({
      appUrl: 'http://localhost:3000',
      store: barrier(memoryStore(), parties),
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      oauth: {
        providers: {
          oidc: {
            type: 'oidc',
            issuer: idp.issuer,
            clientId: idp.clientId,
            clientSecret: idp.clientSecret,
            allowInsecureRequests: true,
          },
        },
      },
    })
    const sub = `race-${Date.now()}`
    idp.accounts.set(sub, { sub, email: `${sub}@example.com`, email_verified: true })
    const started = []
    for (let i = 0; i < parties; i++) {
      const begun = await auth.oauth?.begin('oidc')
      if (begun?.type !== 'redirect') throw new Error('expected a redirect')
      started.push({ cookie: begun.stateCookie, url: await idp.authorize(begun.url, sub, CALLBACK) })
    }
    const ctx = { ip: '127.0.0.1', userAgent: null }
    const outcomes = await Promise.all(
      started.map((s) => auth.oauth?.finish('oidc', s.url.searchParams, s.cookie, ctx)),
    )
    const userIds = outcomes.map((o) => (o?.type === 'tokens' ? o.tokens.user.id : o?.type))
    expect(new Set(userIds).size).toBe(1)
    expect(outcomes.filter((o) => o?.type === 'tokens' && o.created)).toHaveLength(1)
    expect((await auth.store.findIdentity('oidc', sub))?.userId).toBe(userIds[0])
    await auth.close()
  })
})

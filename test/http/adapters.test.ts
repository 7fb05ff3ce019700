import { afterEach, describe, it } from 'vitest'
import { adapterNames, makeApp, type TestApp } from './harness.js'
import { scenarios } from './scenarios.js'
import { adminScenarios } from './scenarios-admin.js'

// One scenario table, three frameworks: the adapters are proven identical (style.md, rule 20).
describe.each(adapterNames)('%s adapter', (adapter) => {
  let app: TestApp | undefined
  afterEach(async () => {
    await app?.close()
    app = undefined
  })
  for (const scenario of [...scenarios, ...adminScenarios]) {
    it(scenario.name, async () => {
      app = await makeApp(adapter, scenario.config)
      await scenario.run(app)
    })
  }
})

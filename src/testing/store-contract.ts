import { afterEach, beforeEach, describe } from 'vitest'
import type { Store } from '../ports.js'
import { rateStoreContract } from './rate-store-contract.js'
import { adminStoreContract } from './store-contract-admin.js'
import { logsStoreContract } from './store-contract-logs.js'
import { mfaStoreContract } from './store-contract-mfa.js'
import { oauthStoreContract } from './store-contract-oauth.js'
import { oneTimeStoreContract } from './store-contract-one-time.js'
import { purgeStoreContract } from './store-contract-purge.js'
import { sessionsStoreContract } from './store-contract-sessions.js'
import { transactionsStoreContract } from './store-contract-transactions.js'
import { usersStoreContract } from './store-contract-users.js'

/** Options of `storeContract`. */
export interface StoreContractOptions {
  /** Shown in the suite's title, e.g. `'sqlite'`. */
  name?: string
}

/**
 * The contract every `Store` must pass, as a vitest suite: call it at the top level of a test file with a
 * factory that returns a fresh, empty store (it is called before every test; `migrate()` and `close()` are
 * called when the store has them). Atomic operations are raced with `Promise.all`. It includes
 * `rateStoreContract`, run on the same store.
 */
export function storeContract(
  makeStore: () => Store | Promise<Store>,
  options: StoreContractOptions = {},
): void {
  describe(`store contract${options.name ? `: ${options.name}` : ''}`, () => {
    let store: Store
    beforeEach(async () => {
      store = await makeStore()
      await store.migrate?.()
    })
    afterEach(async () => {
      await store.close?.()
    })
    const current = () => store

    usersStoreContract(current)
    sessionsStoreContract(current)
    oneTimeStoreContract(current)
    logsStoreContract(current)
    // The counters: every Store is a RateStore, and passes that contract on the store of this test.
    rateStoreContract(current)
    transactionsStoreContract(current)
    adminStoreContract(current)
    mfaStoreContract(current)
    oauthStoreContract(current)
    purgeStoreContract(current)
  })
}

import { memoryStore } from '../../adapters/memory/index.js'
import { storeContract } from '../../src/testing/store-contract.js'

storeContract(() => memoryStore(), { name: 'memory' })

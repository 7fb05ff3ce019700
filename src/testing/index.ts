export { memoryStore } from '../../adapters/memory/index.js'
export * from './captured-mailer.js'
export * from './fake-clock.js'
export { type StoreContractOptions, storeContract } from './store-contract.js'

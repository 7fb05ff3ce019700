export type { RedisClientLike, RedisSubscriberLike } from './client.js'
export { type RedisRateStoreOptions, redisRateStore } from './redis-rate-store.js'
export { type RedisRevocationChannelOptions, redisRevocationChannel } from './redis-revocation-channel.js'

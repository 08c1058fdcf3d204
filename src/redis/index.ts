// The Redis transport, a separate entry point (`nestjs-sse-broadcast/redis`)
// so that the core never loads ioredis, an optional peer dependency.
export { RedisTransport } from './redis.transport.js';
export type { RedisTransportOptions } from './redis-transport-options.js';
export {
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
  DEFAULT_REDIS_KEY_PREFIX,
  DEFAULT_REDIS_PRESENCE_TTL_MS,
} from './redis-transport-options.js';

import type { SseTransport } from '../src/index.js';
import type { DemoConfig } from './demo-config.js';

/**
 * The Redis transport for `REDIS_URL`. Loaded on demand, so the demo runs
 * without ioredis installed when Redis is not used.
 */
export async function createRedisTransport(
  config: DemoConfig,
): Promise<SseTransport> {
  const { RedisTransport } = await import('../src/redis/index.js');
  return new RedisTransport({
    url: config.redisUrl,
    keyPrefix: config.redisKeyPrefix,
    historySize: config.historySize,
    presenceTtlMs: config.presenceTtlMs,
  });
}

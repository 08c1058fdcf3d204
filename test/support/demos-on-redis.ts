import type { DemoConfig } from '../../demo/demo-config.js';
import type { RunningDemo } from './demo-server.js';
import { startDemo } from './demo-server.js';
import { RedisServer } from './redis-server.js';
import type { SseReader } from './sse-reader.js';

/** A redis-server of the test's own and demo instances sharing it. */
export class DemosOnRedis {
  /** Streams the test opened: closed with the rest. */
  readonly readers: SseReader[] = [];

  private constructor(
    readonly redis: RedisServer,
    /** The instances, in the order of their configs. */
    readonly apps: RunningDemo[],
  ) {}

  /** Starts redis-server, then one demo instance per config, on that Redis. */
  static async start(...configs: Partial<DemoConfig>[]): Promise<DemosOnRedis> {
    const demos = new DemosOnRedis(await RedisServer.start(), []);
    try {
      for (const config of configs) {
        demos.apps.push(
          await startDemo({ ...config, redisUrl: demos.redis.url }),
        );
      }
    } catch (err) {
      await demos.close();
      throw err;
    }
    return demos;
  }

  /** Closes the streams, the instances, then redis-server. */
  async close(): Promise<void> {
    for (const reader of this.readers) reader.close();
    for (const app of this.apps) await app.close();
    await this.redis.stop('SIGTERM');
  }
}

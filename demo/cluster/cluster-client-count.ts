import type {
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Subscription } from 'rxjs';
import type { BroadcastService, ConnectedClients } from '../../src/index.js';
import type { ClientsResponseDto } from '../broadcast/broadcast-response.dto.js';
import { ClientCount } from '../broadcast/client-count.js';
import type { DemoConfig } from '../demo-config.js';

/** How often a worker rewrites its count even when nothing changed. */
const REFRESH_MS = 2_000;
/** A count older than this belongs to a worker that is gone: ignored. */
const STALE_MS = 3 * REFRESH_MS;
/** Changes within this window go out in one write (connect storms). */
const COALESCE_MS = 50;

interface WorkerEntry extends ConnectedClients {
  at: number;
}

/**
 * The clients of every worker of one cluster: each worker keeps its own
 * count in a Redis hash (one field per worker, stamped with the time), and
 * a read sums the fresh fields. A worker that dies stops refreshing and
 * drops out after `STALE_MS`; the hash itself expires when all are gone.
 */
export class ClusterClientCount
  extends ClientCount
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(ClusterClientCount.name);
  private readonly field = String(process.pid);
  private subscription?: Subscription;
  private refresh?: NodeJS.Timeout;
  private pending?: NodeJS.Timeout;
  private closed = false;
  private failing = false;

  constructor(
    private readonly broadcast: BroadcastService,
    private readonly redis: Redis,
    /** The hash of this cluster. */
    private readonly key: string,
  ) {
    super();
  }

  /**
   * Connects its own Redis client to `config.redisUrl` (ioredis is loaded
   * only in cluster mode); the hash is named after `config.clusterId`.
   */
  static async connect(
    broadcast: BroadcastService,
    config: DemoConfig,
  ): Promise<ClusterClientCount> {
    const { Redis: RedisClient } = await import('ioredis');
    const { DEFAULT_REDIS_KEY_PREFIX } =
      await import('../../src/redis/index.js');
    const prefix = config.redisKeyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
    const key = `${prefix}demo:clients:${config.clusterId}`;
    // Fail fast while Redis is away: the answer falls back to this worker.
    const redis = new RedisClient(config.redisUrl!, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1_000,
    });
    redis.on('error', () => undefined);
    return new ClusterClientCount(broadcast, redis, key);
  }

  onApplicationBootstrap(): void {
    this.subscription = this.broadcast.clientChanges$.subscribe(() =>
      this.writeSoon(),
    );
    this.refresh = setInterval(() => void this.write(), REFRESH_MS).unref();
    this.writeSoon();
  }

  async read(): Promise<ClientsResponseDto> {
    const own = this.broadcast.connectedClients;
    let entries: Record<string, string> = {};
    try {
      entries = await this.redis.hgetall(this.key);
    } catch (err) {
      this.logger.warn(`Counting this worker only: ${String(err)}`);
    }
    const now = Date.now();
    const sum = { connected: own.total, channels: { ...own.channels } };
    for (const [field, text] of Object.entries(entries)) {
      // This worker's own figure is taken live, not from Redis.
      if (field === this.field) continue;
      const entry = JSON.parse(text) as WorkerEntry;
      if (now - entry.at > STALE_MS) continue;
      sum.connected += entry.total;
      for (const [channel, count] of Object.entries(entry.channels)) {
        sum.channels[channel] = (sum.channels[channel] ?? 0) + count;
      }
    }
    return sum;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.subscription?.unsubscribe();
    clearInterval(this.refresh);
    clearTimeout(this.pending);
    try {
      await this.redis.hdel(this.key, this.field);
    } catch {
      // Redis is away: the entry goes stale on its own.
    }
    this.redis.disconnect();
  }

  private writeSoon(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      void this.write();
    }, COALESCE_MS);
  }

  private async write(): Promise<void> {
    if (this.closed) return;
    const { total, channels } = this.broadcast.connectedClients;
    const entry: WorkerEntry = { total, channels, at: Date.now() };
    try {
      await this.redis
        .multi()
        .hset(this.key, this.field, JSON.stringify(entry))
        .pexpire(this.key, 2 * STALE_MS)
        .exec();
      this.failing = false;
    } catch (err) {
      // Once per outage, not every refresh.
      if (!this.failing) this.logger.warn(`Count not shared: ${String(err)}`);
      this.failing = true;
    }
  }
}

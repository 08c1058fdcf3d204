import type { Redis, RedisOptions } from 'ioredis';
import { ErrorMessages } from '../errors/error-messages.js';
import { DEFAULT_HISTORY_SIZE } from '../sse.constants.js';

/** Prefix of every key and channel `RedisTransport` uses, unless told otherwise. */
export const DEFAULT_REDIS_KEY_PREFIX = 'sse:';
/** How long `RedisTransport` waits for Redis at startup. */
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 5000;
/** How long a publish or replay waits for Redis before answering 503. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 2000;
/** How long an instance counts in presence after its last heartbeat. */
export const DEFAULT_REDIS_PRESENCE_TTL_MS = 30_000;

/** Options of `RedisTransport`: `url` or `client` is required. */
export interface RedisTransportOptions {
  /** Where Redis is: `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url?: string;
  /**
   * An ioredis client to use instead of `url`. It runs the commands and is
   * left open on shutdown (it is yours); a `duplicate()` of it subscribes and
   * is closed by the transport.
   */
  client?: Redis;
  /** More ioredis options for the connections made from `url` (TLS, password, db, retry...). */
  redisOptions?: RedisOptions;
  /**
   * Prefix of the keys (`<prefix>seq`, `<prefix>history`) and of the pub/sub
   * channel (`<prefix>events`). Apps sharing one Redis need distinct ones;
   * instances of one app need the same. For Redis Cluster include a hash tag,
   * e.g. `{myapp}:sse:`.
   * @default 'sse:'
   */
  keyPrefix?: string;
  /**
   * Events kept in the history stream for replay (trimmed with
   * `XADD MAXLEN ~`, so Redis may keep up to ~100 more). `0` keeps none.
   * @default 1000
   */
  historySize?: number;
  /**
   * Startup fails with a clear error when Redis is not ready within this time.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * A publish or replay that Redis has not answered within this time fails
   * with `TransportUnavailableException` (503).
   * @default 2000
   */
  commandTimeoutMs?: number;
  /**
   * How long an instance's streams count in `SsePresence` after its last
   * heartbeat (sent every third of it): an instance killed without a
   * goodbye drops out of the counts, and its users go offline, within this
   * time. Shorter costs more heartbeats; a pause longer than it (a stalled
   * event loop) drops the instance until its next heartbeat rewrites it.
   * @default 30000
   */
  presenceTtlMs?: number;
}

/** `RedisTransportOptions` with every default applied. */
export interface ResolvedRedisTransportOptions {
  readonly url?: string;
  readonly client?: Redis;
  readonly redisOptions: RedisOptions;
  readonly keyPrefix: string;
  readonly historySize: number;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly presenceTtlMs: number;
}

/** Merges the options over the defaults and checks them. */
export function resolveRedisTransportOptions(
  options: RedisTransportOptions,
): ResolvedRedisTransportOptions {
  if (!options.url === !options.client) {
    throw new TypeError('RedisTransport needs either `url` or `client`');
  }
  const resolved = {
    url: options.url,
    client: options.client,
    redisOptions: options.redisOptions ?? {},
    keyPrefix: options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX,
    historySize: options.historySize ?? DEFAULT_HISTORY_SIZE,
    connectTimeoutMs:
      options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
    commandTimeoutMs:
      options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    presenceTtlMs: options.presenceTtlMs ?? DEFAULT_REDIS_PRESENCE_TTL_MS,
  };
  const minimum = {
    historySize: 0,
    connectTimeoutMs: 1,
    commandTimeoutMs: 1,
    presenceTtlMs: 300,
  };
  for (const [name, least] of Object.entries(minimum)) {
    const value = resolved[name as keyof typeof minimum];
    if (!Number.isSafeInteger(value) || value < least) {
      throw new TypeError(
        ErrorMessages.badNumberOption(
          'RedisTransport',
          name,
          `an integer of at least ${least}`,
          value,
        ),
      );
    }
  }
  if (typeof resolved.keyPrefix !== 'string') {
    throw new TypeError('RedisTransport option keyPrefix must be a string');
  }
  return resolved;
}

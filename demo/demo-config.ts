import type { HttpPlatform } from './platform/http-platform-names.js';
import { HTTP_PLATFORMS } from './platform/http-platform-names.js';

/** Everything the demo reads from its environment. */
export interface DemoConfig {
  port: number;
  host: string;
  /** The Nest HTTP platform (`HTTP_ADAPTER`). */
  platform: HttpPlatform;
  keepAliveSeconds?: number;
  /** Events kept for replay by the transport (`SSE_HISTORY_SIZE`). */
  historySize?: number;
  maxClients?: number;
  /** Streams one client address may hold open (`SSE_MAX_CLIENTS_PER_ADDRESS`). */
  maxClientsPerAddress?: number;
  /** When set, `POST /api/broadcast` needs `Authorization: Bearer <token>`. */
  broadcastToken?: string;
  /**
   * HS256 secret of the demo's JWTs (`JWT_SECRET`): they grant publishing
   * (`publish` claim) and `private:` channels (`subscribe` claim).
   */
  jwtSecret?: string;
  /** Publishes one address may make per minute (`PUBLISH_RATE_LIMIT`); unlimited when unset. */
  publishRateLimit?: number;
  /** Largest accepted JSON body. */
  bodyLimit: string;
  /** When set, events and history go through this Redis (several instances). */
  redisUrl?: string;
  /** Key prefix in Redis, so several apps can share one. */
  redisKeyPrefix?: string;
  /**
   * PEM files of a certificate and its key (`HTTPS_CERT`, `HTTPS_KEY`): the
   * demo serves HTTPS, with HTTP/2 on Fastify (HTTP/1.1 for clients
   * without it) and HTTP/1.1 on Express.
   */
  https?: { certPath: string; keyPath: string };
  /**
   * Worker processes sharing the port (`WORKERS`, Node's `cluster`); 1 runs
   * the app in this process. More than 1 needs `redisUrl`.
   */
  workers?: number;
  /**
   * How long a dead instance's streams still count in `GET /api/clients`
   * (`REDIS_PRESENCE_TTL_MS`, the Redis transport's `presenceTtlMs`).
   */
  presenceTtlMs?: number;
  /**
   * `POST /api/login` mints a token for a name (`DEMO_LOGIN=1`, needs
   * `JWT_SECRET`): for trying user-addressed events, never for production.
   */
  demoLogin?: boolean;
  /**
   * Origins whose pages may connect and publish (`CORS_ORIGINS`, comma
   * separated); CORS stays off when unset.
   */
  corsOrigins?: string[];
}

const optionalNumber = (name: string, value: string | undefined) => {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) {
    throw new Error(`${name} must be a non-negative number, got "${value}"`);
  }
  return number;
};

/** `a, b,,c` -> [a, b, c]; undefined when nothing is listed. */
function commaList(value: string | undefined): string[] | undefined {
  const items = (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

function httpPlatform(value: string | undefined): HttpPlatform {
  if (value === undefined || value === '') return 'express';
  if (!(HTTP_PLATFORMS as readonly string[]).includes(value)) {
    throw new Error(
      `HTTP_ADAPTER must be ${HTTP_PLATFORMS.join(' or ')}, got "${value}"`,
    );
  }
  return value as HttpPlatform;
}

function workerCount(value: string | undefined, redisUrl?: string): number {
  const workers = optionalNumber('WORKERS', value) ?? 1;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new Error(`WORKERS must be a whole number from 1, got "${value}"`);
  }
  if (workers > 1 && !redisUrl) {
    // Workers are separate processes: without Redis each would broadcast
    // only to its own clients.
    throw new Error(
      `WORKERS=${workers} needs REDIS_URL: the workers share events and history through Redis`,
    );
  }
  return workers;
}

/** Reads `PORT`, `HOST`, `HTTP_ADAPTER`, `SSE_*`, `BROADCAST_TOKEN`, `JWT_SECRET`, `DEMO_LOGIN`, `PUBLISH_RATE_LIMIT`, `BODY_LIMIT`, `REDIS_*`, `HTTPS_*`, `WORKERS` and `CORS_ORIGINS`. */
export function demoConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): DemoConfig {
  const redisUrl = env.REDIS_URL || undefined;
  return {
    port: optionalNumber('PORT', env.PORT) ?? 3000,
    host: env.HOST || '127.0.0.1',
    platform: httpPlatform(env.HTTP_ADAPTER),
    keepAliveSeconds: optionalNumber(
      'SSE_KEEPALIVE_SECONDS',
      env.SSE_KEEPALIVE_SECONDS,
    ),
    historySize: optionalNumber('SSE_HISTORY_SIZE', env.SSE_HISTORY_SIZE),
    maxClients: optionalNumber('SSE_MAX_CLIENTS', env.SSE_MAX_CLIENTS),
    maxClientsPerAddress: optionalNumber(
      'SSE_MAX_CLIENTS_PER_ADDRESS',
      env.SSE_MAX_CLIENTS_PER_ADDRESS,
    ),
    broadcastToken: env.BROADCAST_TOKEN || undefined,
    jwtSecret: env.JWT_SECRET || undefined,
    publishRateLimit: optionalNumber(
      'PUBLISH_RATE_LIMIT',
      env.PUBLISH_RATE_LIMIT,
    ),
    bodyLimit: env.BODY_LIMIT || '1mb',
    redisUrl,
    redisKeyPrefix: env.REDIS_KEY_PREFIX || undefined,
    https: httpsFiles(env.HTTPS_CERT, env.HTTPS_KEY),
    workers: workerCount(env.WORKERS, redisUrl),
    presenceTtlMs: optionalNumber(
      'REDIS_PRESENCE_TTL_MS',
      env.REDIS_PRESENCE_TTL_MS,
    ),
    demoLogin: demoLogin(env.DEMO_LOGIN, env.JWT_SECRET),
    corsOrigins: commaList(env.CORS_ORIGINS),
  };
}

function demoLogin(value: string | undefined, secret: string | undefined) {
  if (value === undefined || value === '' || value === '0') return false;
  if (value !== '1')
    throw new Error(`DEMO_LOGIN must be 1 or 0, got "${value}"`);
  if (!secret) {
    throw new Error(
      'DEMO_LOGIN=1 needs JWT_SECRET: the tokens it mints are signed with it',
    );
  }
  return true;
}

function httpsFiles(
  certPath: string | undefined,
  keyPath: string | undefined,
): DemoConfig['https'] {
  if (!certPath && !keyPath) return undefined;
  if (!certPath || !keyPath) {
    throw new Error(
      'HTTPS_CERT and HTTPS_KEY go together: set both or neither',
    );
  }
  return { certPath, keyPath };
}

// What a bench run points the load generator at: one server process, or
// several (instances sharing a transport). Each target starts what it needs
// and says where clients connect, where to publish and which processes to
// measure. A multi-instance scenario is one more entry here.
import { SERVERS, startServer } from './servers/index.mjs';
import { RedisServer } from '../dist/test/support/redis-server.js';

/** A target made of one server of `servers/index.mjs`. */
export function singleServer(name) {
  return {
    label: SERVERS[name].label,
    async start() {
      const server = await startServer(name);
      return {
        streamUrls: [`${server.baseUrl}/sse/broadcast`],
        publishUrl: `${server.baseUrl}/api/broadcast`,
        pids: [server.pid],
        stop: () => server.stop(),
      };
    },
  };
}

/**
 * Two demo instances sharing a redis-server of the bench's own (needs
 * `redis-server`): clients split between them, every broadcast POSTed to the
 * first; CPU and memory count both instances and redis-server.
 */
export const redisPair = {
  label: 'this library, two instances over Redis (Express)',
  async start() {
    const redis = await RedisServer.start();
    const instances = [];
    const stop = async () => {
      await Promise.all(instances.map((instance) => instance.stop()));
      await redis.stop();
    };
    try {
      const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'bench:' };
      instances.push(await startServer('redis', { env }));
      instances.push(await startServer('redis', { env }));
    } catch (err) {
      await stop();
      throw err;
    }
    return {
      streamUrls: instances.map((i) => `${i.baseUrl}/sse/broadcast`),
      publishUrl: `${instances[0].baseUrl}/api/broadcast`,
      pids: [...instances.map((i) => i.pid), redis.pid],
      stop,
    };
  },
};

/** Every target, by the name results and `--targets` use. */
export const TARGETS = {
  raw: singleServer('raw'),
  library: singleServer('library'),
  'library-fastify': singleServer('library-fastify'),
  textbook: singleServer('textbook'),
  'express-floor': singleServer('express-floor'),
  'fastify-floor': singleServer('fastify-floor'),
  // Not in the default matrix (it needs redis-server): `--targets raw,library,redis-pair`.
  'redis-pair': redisPair,
};

/**
 * Run by `npm run bench` unless `--targets` says otherwise. The bare Express
 * and Fastify servers show what the platform itself costs.
 */
export const DEFAULT_TARGETS = [
  'raw',
  'library',
  'library-fastify',
  'textbook',
  'express-floor',
  'fastify-floor',
];

/** Run by `npm run bench -- --quick`. */
export const QUICK_TARGETS = ['raw', 'library', 'library-fastify', 'textbook'];

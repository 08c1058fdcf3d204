// The demo app (built into dist/ first) on the Redis transport: one of
// several instances sharing `REDIS_URL`. Same routes as demo.server.mjs.
import { createDemoApp } from '../../dist/demo/demo.app.js';
import { announceReady } from './ready.mjs';

if (!process.env.REDIS_URL) throw new Error('REDIS_URL is required');
const app = await createDemoApp({
  port: 0,
  host: '127.0.0.1',
  bodyLimit: '1mb',
  redisUrl: process.env.REDIS_URL,
  redisKeyPrefix: process.env.REDIS_KEY_PREFIX || 'bench:',
});
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
announceReady(app.getHttpServer());

// The library as users run it: the demo app (built into dist/ first), whose
// `/sse/broadcast` is a Nest @Sse() handler returning BroadcastService.stream()
// (served on the library's fast path, as SseModule adopts it)
// and whose `POST /api/broadcast` calls BroadcastService.publish().
// HTTP_ADAPTER=fastify runs it on Fastify instead of Express.
import { createDemoApp } from '../../dist/demo/demo.app.js';
import { announceReady } from './ready.mjs';

const app = await createDemoApp({
  port: 0,
  host: '127.0.0.1',
  bodyLimit: '1mb',
  platform: process.env.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express',
});
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
announceReady(app.getHttpServer());

// The library as users run it: the demo app (built into dist/ first), whose
// `/sse/broadcast` is a Nest @Sse() handler returning BroadcastService.stream()
// (served on the library's fast path, as SseModule adopts it)
// and whose `POST /api/broadcast` calls BroadcastService.publish().
// HTTP_ADAPTER=fastify runs it on Fastify instead of Express; HTTPS_CERT and
// HTTPS_KEY serve HTTPS (with HTTP/2 on Fastify), SSE_KEEPALIVE_SECONDS=0
// turns keep-alive comments off, JWT_SECRET makes a stream opened with a JWT
// its `sub`'s (publishing then needs a token: bench/user-publish.mjs).
// BENCH_DIST=<dir> runs another build of the demo and library (an A/B
// comparison: bench/connect-cost.mjs --base).
import { pathToFileURL } from 'node:url';
import { announceReady } from './ready.mjs';

const dist = process.env.BENCH_DIST
  ? pathToFileURL(`${process.env.BENCH_DIST}/`)
  : new URL('../../dist/', import.meta.url);
const { createDemoApp } = await import(new URL('demo/demo.app.js', dist));

const app = await createDemoApp({
  port: 0,
  host: '127.0.0.1',
  bodyLimit: '1mb',
  platform: process.env.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express',
  https: process.env.HTTPS_CERT
    ? { certPath: process.env.HTTPS_CERT, keyPath: process.env.HTTPS_KEY }
    : undefined,
  jwtSecret: process.env.JWT_SECRET || undefined,
  keepAliveSeconds:
    process.env.SSE_KEEPALIVE_SECONDS === undefined
      ? undefined
      : Number(process.env.SSE_KEEPALIVE_SECONDS),
});
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
announceReady(app.getHttpServer());

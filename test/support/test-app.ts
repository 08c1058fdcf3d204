import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SseExpressAdapter } from '../../src/express/index.js';

/** The HTTP platform of this pass of the suite (`HTTP_ADAPTER`, set by `npm test`). */
export function testPlatform(): 'express' | 'fastify' {
  return process.env.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express';
}

/** JSON bodies up to 100 KiB, as `bodyLimit` wants them. */
const BODY_LIMIT = 100 * 1024;

/**
 * Creates a fixture app (not yet listening) on the platform of this pass:
 * Fastify, or Express on the package's `SseExpressAdapter`. Quiet, JSON
 * bodies up to 100 KiB, and connections closed with the app (idle keep-alive
 * sockets would otherwise hold `app.close()` for their whole timeout).
 */
export async function createTestApp(
  module: Type<unknown>,
): Promise<INestApplication> {
  if (testPlatform() === 'fastify') {
    // Loaded only when chosen, as an app would.
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    return NestFactory.create<NestFastifyApplication>(
      module,
      new FastifyAdapter({
        bodyLimit: BODY_LIMIT,
        forceCloseConnections: true,
      }),
      { logger: false },
    );
  }
  const app = await NestFactory.create<NestExpressApplication>(
    module,
    new SseExpressAdapter(),
    { logger: false, forceCloseConnections: true },
  );
  app.useBodyParser('json', { limit: BODY_LIMIT });
  return app;
}

/** A fixture app listening on a free loopback port. */
export interface TestApp {
  app: INestApplication;
  /** e.g. http://127.0.0.1:40123 */
  url: string;
}

/** `createTestApp(module)`, listening on a free loopback port. */
export async function startTestApp(module: Type<unknown>): Promise<TestApp> {
  const app = await createTestApp(module);
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

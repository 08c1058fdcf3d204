import type {
  INestApplication,
  LoggerService,
  NestApplicationOptions,
  Type,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { NestFactory } from '@nestjs/core';
import type { TestingModule } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SseExpressAdapter } from '../../src/express/index.js';

/** The HTTP platform of this pass of the suite (`HTTP_ADAPTER`, set by `npm test`). */
export function testPlatform(): 'express' | 'fastify' {
  return process.env.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express';
}

/** JSON bodies up to 100 KiB, as `bodyLimit` wants them. */
const BODY_LIMIT = 100 * 1024;

/** What an app is created from: a module, or a compiled testing module (overrides). */
export type TestAppSource = Type<unknown> | TestingModule;

/** Options of a fixture app: quiet unless given a logger (`LogCapture`). */
export interface TestAppOptions {
  logger?: LoggerService | false;
}

/**
 * Creates a fixture app (not yet listening) on the platform of this pass:
 * Fastify, or Express on the package's `SseExpressAdapter`. Quiet, JSON
 * bodies up to 100 KiB, and connections closed with the app (idle keep-alive
 * sockets would otherwise hold `app.close()` for their whole timeout).
 */
export async function createTestApp(
  source: TestAppSource,
  { logger = false }: TestAppOptions = {},
): Promise<INestApplication> {
  const create = <T extends INestApplication>(
    adapter: AbstractHttpAdapter,
    options: NestApplicationOptions,
  ): Promise<T> | T =>
    'createNestApplication' in source
      ? source.createNestApplication<T>(adapter, options)
      : NestFactory.create<T>(source, adapter, options);
  if (testPlatform() === 'fastify') {
    // Loaded only when chosen, as an app would.
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    return create<NestFastifyApplication>(
      new FastifyAdapter({
        bodyLimit: BODY_LIMIT,
        forceCloseConnections: true,
      }),
      { logger },
    );
  }
  const app = await create<NestExpressApplication>(new SseExpressAdapter(), {
    logger,
    forceCloseConnections: true,
  });
  app.useBodyParser('json', { limit: BODY_LIMIT });
  return app;
}

/** A fixture app listening on a free loopback port. */
export interface TestApp {
  app: INestApplication;
  /** e.g. http://127.0.0.1:40123 */
  url: string;
}

/** `createTestApp(source, options)`, listening on a free loopback port. */
export async function startTestApp(
  source: TestAppSource,
  options?: TestAppOptions,
): Promise<TestApp> {
  const app = await createTestApp(source, options);
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

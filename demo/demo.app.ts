import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { fileURLToPath } from 'node:url';
import type { DemoConfig } from './demo-config.js';
import { DemoModule } from './demo.module.js';
import { setupDocs } from './docs/docs.setup.js';

/** The demo's static page: `demo/public`, from source or from `dist/demo`. */
export const PUBLIC_DIR = fileURLToPath(
  new URL('../../demo/public', import.meta.url),
);

/** Builds the demo app (not yet listening): `main.ts` and the e2e tests share it. */
export async function createDemoApp(
  config: DemoConfig,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    DemoModule.forRoot(config),
    {
      bufferLogs: false,
      logger: process.env.DEMO_LOG === 'silent' ? false : undefined,
    },
  );
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
  app.useStaticAssets(PUBLIC_DIR, { index: 'index.html' });
  app.enableShutdownHooks();
  setupDocs(app);
  return app;
}

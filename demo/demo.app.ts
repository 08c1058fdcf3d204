import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import type { DemoConfig } from './demo-config.js';
import { DemoModule } from './demo.module.js';
import { setupDocs } from './docs/docs.setup.js';
import { createPlatformApp, serveStatic } from './platform/http-platform.js';

/** The demo's static page: `demo/public`, from source or from `dist/demo`. */
export const PUBLIC_DIR = fileURLToPath(
  new URL('../../demo/public', import.meta.url),
);

/** Builds the demo app (not yet listening): `main.ts` and the e2e tests share it. */
export async function createDemoApp(
  config: DemoConfig,
): Promise<INestApplication> {
  const app = await createPlatformApp(
    DemoModule.forRoot(config),
    config.platform,
    config.bodyLimit,
    process.env.DEMO_LOG === 'silent' ? false : undefined,
  );
  if (config.corsOrigins) {
    // Pages on these origins may open the streams and publish (a JSON POST
    // is preflighted); refusals (429/503) carry the headers too.
    app.enableCors({ origin: config.corsOrigins, maxAge: 600 });
  }
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
  await serveStatic(app, config.platform, PUBLIC_DIR, '/');
  app.enableShutdownHooks();
  setupDocs(app);
  return app;
}

import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DemoConfig } from './demo-config.js';
import { DemoModule } from './demo.module.js';
import { setupDocs } from './docs/docs.setup.js';
import { createPlatformApp, serveStatic } from './platform/http-platform.js';

/** The demo's static page: `demo/public`, from source or from `dist/demo`. */
export const PUBLIC_DIR = fileURLToPath(
  new URL('../../demo/public', import.meta.url),
);

/**
 * The package's browser client (`./client`) as built into `dist/src/client`:
 * the page imports it from `/client/`, as an app would from its bundle.
 */
export const CLIENT_DIR = fileURLToPath(
  new URL('../src/client', import.meta.url),
);

/**
 * Builds the demo app (not yet listening): `main.ts` and the e2e tests share
 * it. `shutdownHooks: false` leaves signals to the caller (cluster workers).
 */
export async function createDemoApp(
  config: DemoConfig,
  { shutdownHooks = true }: { shutdownHooks?: boolean } = {},
): Promise<INestApplication> {
  const app = await createPlatformApp(
    DemoModule.forRoot(config),
    config.platform,
    config.bodyLimit,
    process.env.DEMO_LOG === 'silent' ? false : undefined,
    config.https && {
      cert: readFileSync(config.https.certPath),
      key: readFileSync(config.https.keyPath),
    },
  );
  if (config.corsOrigins) {
    // Pages on these origins may open the streams and publish (a JSON POST
    // is preflighted); refusals (429/503) carry the headers too.
    app.enableCors({ origin: config.corsOrigins, maxAge: 600 });
  }
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
  await serveStatic(app, config.platform, PUBLIC_DIR, '/');
  await serveStatic(app, config.platform, CLIENT_DIR, '/client/');
  if (shutdownHooks) app.enableShutdownHooks();
  setupDocs(app);
  return app;
}

import type { INestApplication } from '@nestjs/common';
import { createDemoApp } from '../../demo/demo.app.js';
import type { DemoConfig } from '../../demo/demo-config.js';

export interface RunningDemo {
  app: INestApplication;
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
}

/** The demo's config in tests: loopback, a free port, the platform of `HTTP_ADAPTER`. */
export function testDemoConfig(
  overrides: Partial<DemoConfig> = {},
): DemoConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    platform: (process.env.HTTP_ADAPTER as DemoConfig['platform']) || 'express',
    bodyLimit: '1mb',
    ...overrides,
  };
}

/**
 * Starts the demo app in this process on a free loopback port; `configure`
 * runs before it listens (middleware, CORS).
 */
export async function startDemo(
  overrides: Partial<DemoConfig> = {},
  configure?: (app: INestApplication) => void,
): Promise<RunningDemo> {
  const app = await createDemoApp(testDemoConfig(overrides));
  configure?.(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl())
    .replace('[::1]', '127.0.0.1')
    // Nest does not know a Fastify server given its TLS options directly.
    .replace(/^http:/, overrides.https ? 'https:' : 'http:');
  return { app, url, close: () => app.close() };
}

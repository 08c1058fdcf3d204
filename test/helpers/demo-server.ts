import type { INestApplication } from '@nestjs/common';
import { createDemoApp } from '../../demo/demo.app.js';
import type { DemoConfig } from '../../demo/demo-config.js';

export interface RunningDemo {
  app: INestApplication;
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
}

/** Starts the demo app on a free loopback port. */
export async function startDemo(
  overrides: Partial<DemoConfig> = {},
): Promise<RunningDemo> {
  const config: DemoConfig = {
    port: 0,
    host: '127.0.0.1',
    platform: (process.env.HTTP_ADAPTER as DemoConfig['platform']) || 'express',
    bodyLimit: '1mb',
    ...overrides,
  };
  const app = await createDemoApp(config);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}

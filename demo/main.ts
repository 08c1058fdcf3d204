import { Logger } from '@nestjs/common';
import { createDemoApp } from './demo.app.js';
import { demoConfigFromEnv } from './demo-config.js';

async function bootstrap() {
  const config = demoConfigFromEnv();
  const app = await createDemoApp(config);
  await app.listen(config.port, config.host);
  Logger.log(`Demo on ${await app.getUrl()}`, 'Demo');
}

void bootstrap();

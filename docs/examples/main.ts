import { NestFactory } from '@nestjs/core';
import { AppModule } from './quick-start.js';

const app = await NestFactory.create(AppModule);
app.enableShutdownHooks(); // SIGTERM ends open streams promptly
await app.listen(3000);

import { NestFactory } from '@nestjs/core';
import { SseExpressAdapter } from 'nestjs-sse-broadcast/express';
import { AppModule } from './quick-start.js';

const app = await NestFactory.create(AppModule, new SseExpressAdapter());
await app.listen(3000);

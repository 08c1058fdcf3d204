import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { AppModule } from './quick-start.js';

const app = await NestFactory.create<NestFastifyApplication>(
  AppModule,
  new FastifyAdapter({
    http2: true,
    https: {
      allowHTTP1: true, // HTTP/1.1 for clients without h2
      key: readFileSync('key.pem'),
      cert: readFileSync('cert.pem'),
    },
  }),
);
await app.listen(3443);

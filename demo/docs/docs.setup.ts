import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const REDOC_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SSE demo API: ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/openapi.json"></redoc><script src="/redoc-assets/redoc.standalone.js"></script></body></html>`;

/** Swagger UI at /swagger, ReDoc at /redoc, the document at /openapi.json: all served locally. */
export function setupDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('NestJS SSE demo')
    .setDescription(
      'Server-Sent Events: per-connection ticks, a shared broadcast stream with channels and replay, and its trigger API.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('swagger', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
  });
  const redocDir = join(
    dirname(createRequire(import.meta.url).resolve('redoc/package.json')),
    'bundles',
  );
  const express = app as NestExpressApplication;
  express.useStaticAssets(redocDir, { prefix: '/redoc-assets/' });
  express.getHttpAdapter().get('/redoc', ((_req: unknown, res: Response) => {
    res.type('html').send(REDOC_PAGE);
  }) as never);
}

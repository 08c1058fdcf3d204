import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { HttpPlatform } from '../platform/http-platform.js';
import { serveHtml, serveStatic } from '../platform/http-platform.js';

const REDOC_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SSE demo API: ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/openapi.json"></redoc><script src="/redoc-assets/redoc.standalone.js"></script></body></html>`;

/** Swagger UI at /swagger, ReDoc at /redoc, the document at /openapi.json: all served locally. */
export async function setupDocs(
  app: INestApplication,
  platform: HttpPlatform,
): Promise<void> {
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
  await serveStatic(app, platform, redocDir, '/redoc-assets/');
  serveHtml(app, '/redoc', REDOC_PAGE);
}

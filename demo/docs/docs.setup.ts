import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promoteItemSchemas } from '../../src/swagger/index.js';
import { TOKEN_COOKIE, TOKEN_QUERY } from '../auth/access-tokens.js';

/** Where the documents are served (the 3.0 one is what the UIs show first). */
export const DOCUMENT_URLS = {
  json: '/openapi.json',
  yaml: '/openapi.yaml',
  json32: '/openapi-3.2.json',
  yaml32: '/openapi-3.2.yaml',
} as const;

const REDOC_SCRIPT = '/redoc-assets/redoc.standalone.js';
const REDOC_REMOTE_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';

const REDOC_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SSE demo API: ReDoc</title>
<style>body { margin: 0; }</style>
</head>
<body>
<redoc spec-url="${DOCUMENT_URLS.json}" path-in-middle-panel="true" expand-responses="200,202"></redoc>
<script src="${REDOC_SCRIPT}"></script>
</body>
</html>`;

const INTRO = `Server-Sent Events: a per-connection tick stream, a shared broadcast
stream with channels and replay, and the API that feeds it.`;

/** How this version of the document describes event streams. */
const STREAMS: Record<'3.0.0' | '3.2.0', string> = {
  '3.0.0': `Each \`text/event-stream\` response documents its events: \`schema\`
is one event (\`event\`, \`data\`, \`id\`, \`retry\`) as a \`oneOf\` over the
event names, \`data\` shown decoded. OpenAPI 3.0 has no field for the items
of a stream, so the 3.2 \`itemSchema\` form (\`data\` as JSON text with
\`contentSchema\`) travels as the \`x-itemSchema\` extension here. The same
API as OpenAPI 3.2, with the native field:
[${DOCUMENT_URLS.json32}](${DOCUMENT_URLS.json32}),
[${DOCUMENT_URLS.yaml32}](${DOCUMENT_URLS.yaml32}).`,
  '3.2.0': `Each \`text/event-stream\` response documents its events with
\`itemSchema\`: one event (\`event\`, \`data\`, \`id\`, \`retry\`) as a
\`oneOf\` over the event names, \`data\` as the text of its \`data:\` lines
(\`contentSchema\` for JSON payloads); \`schema\` is the whole stream, an
array of such events. As OpenAPI 3.0:
[${DOCUMENT_URLS.json}](${DOCUMENT_URLS.json}).`,
};

function documentConfig(openapi: '3.0.0' | '3.2.0') {
  return new DocumentBuilder()
    .setOpenAPIVersion(openapi)
    .setTitle('NestJS SSE demo')
    .setDescription(`${INTRO}\n\n${STREAMS[openapi]}`)
    .setVersion('0.1.0')
    .setLicense('MIT', 'https://spdx.org/licenses/MIT.html')
    .addServer('/', 'This server')
    .addTag(
      'SSE',
      'Event streams (text/event-stream); open them with EventSource',
    )
    .addTag('Broadcast', 'Publish to the broadcast stream, count its clients')
    .addTag('Users', 'Sign in to try user-addressed events (DEMO_LOGIN=1)')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description:
        'The BROADCAST_TOKEN, or a JWT (HS256, JWT_SECRET) whose `publish` and `subscribe` claims list channels (`*`: all). Publishing needs one when either is set; `private:` channels need a JWT to subscribe. A stream opened with a JWT belongs to its `sub` (the user `POST /api/broadcast` addresses).',
    })
    .addCookieAuth(
      TOKEN_COOKIE,
      {
        type: 'apiKey',
        in: 'cookie',
        description:
          'The JWT as POST /api/login (DEMO_LOGIN=1) sets it: HttpOnly, SameSite=Strict; same-origin pages send it with their streams by themselves',
      },
      TOKEN_COOKIE,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'query',
        name: TOKEN_QUERY,
        description:
          'The JWT in the URL, for EventSource on another origin (it cannot set headers); URLs reach access logs, so prefer the header or the cookie',
      },
      TOKEN_QUERY,
    )
    .build();
}

/** The demo's OpenAPI document, as OpenAPI 3.0 (default) or 3.2. */
export function createDemoDocument(
  app: INestApplication,
  openapi: '3.0.0' | '3.2.0' = '3.0.0',
): OpenAPIObject {
  return promoteItemSchemas(
    SwaggerModule.createDocument(app, documentConfig(openapi)),
  );
}

/**
 * Swagger UI at /swagger, ReDoc at /redoc, the document at /openapi.json and
 * /openapi.yaml (3.0) and /openapi-3.2.json|yaml: every asset served from
 * node_modules, nothing from a CDN.
 */
export function setupDocs(app: INestApplication): void {
  SwaggerModule.setup('swagger', app, createDemoDocument(app), {
    jsonDocumentUrl: DOCUMENT_URLS.json,
    yamlDocumentUrl: DOCUMENT_URLS.yaml,
    customSiteTitle: 'SSE demo API: Swagger UI',
    explorer: true,
    swaggerOptions: {
      urls: [
        { url: DOCUMENT_URLS.json, name: 'OpenAPI 3.0' },
        { url: DOCUMENT_URLS.json32, name: 'OpenAPI 3.2 (itemSchema)' },
      ],
      // The default would send the document to an online validator.
      validatorUrl: null,
    },
  });
  SwaggerModule.setup('openapi-3.2', app, createDemoDocument(app, '3.2.0'), {
    ui: false,
    jsonDocumentUrl: DOCUMENT_URLS.json32,
    yamlDocumentUrl: DOCUMENT_URLS.yaml32,
  });
  serveText(app, REDOC_SCRIPT, 'text/javascript', redocBundle());
  serveText(app, '/redoc', 'text/html', REDOC_PAGE);
}

/**
 * ReDoc's standalone bundle, with its one hard-coded remote asset (the
 * Redocly logo next to "API docs by Redocly", fetched from a CDN) replaced
 * by an empty inline image: the page makes no request off this server.
 */
function redocBundle(): string {
  const require = createRequire(import.meta.url);
  const file = join(
    dirname(require.resolve('redoc/package.json')),
    'bundles',
    'redoc.standalone.js',
  );
  return readFileSync(file, 'utf8').replaceAll(
    REDOC_REMOTE_LOGO,
    `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg"/>')}`,
  );
}

/** Answers GET `path` with a fixed text body, on either platform. */
function serveText(
  app: INestApplication,
  path: string,
  type: string,
  body: string,
): void {
  const adapter = app.getHttpAdapter();
  adapter.get(path, (_request: unknown, response: unknown) => {
    adapter.setHeader(response, 'Content-Type', `${type}; charset=utf-8`);
    adapter.reply(response, body, 200);
  });
}

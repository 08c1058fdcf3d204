import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import { readdirSync } from 'node:fs';
import { SseExpressAdapter } from '../../src/express/index.js';

import type { HttpPlatform } from './http-platform-names.js';

// In a file of their own so that reading the config loads no platform.
export type { HttpPlatform } from './http-platform-names.js';
export { HTTP_PLATFORMS } from './http-platform-names.js';

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
};

/** `'1mb'`, `'100kb'`, `'512'` → bytes. */
export function parseByteSize(size: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(size.trim());
  if (!match)
    throw new Error(`Invalid byte size "${size}" (use e.g. 512kb or 1mb)`);
  return Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]);
}

/** A certificate and its key, in PEM. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/**
 * Creates the app on the chosen platform, JSON bodies limited to `bodyLimit`.
 * Open connections are closed with the app (streams end first, in the SSE
 * module's shutdown hooks). With `tls`: HTTPS, and on Fastify HTTP/2 (ALPN
 * `h2`, HTTP/1.1 for clients without it); Express has no HTTP/2, so HTTPS
 * over HTTP/1.1 there.
 */
export async function createPlatformApp(
  module: unknown,
  platform: HttpPlatform,
  bodyLimit: string,
  logger: false | undefined,
  tls?: TlsFiles,
): Promise<INestApplication> {
  if (platform === 'fastify') {
    // Loaded only when chosen, so an Express-only install does not need it.
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    const options = {
      bodyLimit: parseByteSize(bodyLimit),
      forceCloseConnections: true,
    };
    return NestFactory.create<NestFastifyApplication>(
      module as never,
      tls
        ? new FastifyAdapter({
            ...options,
            http2: true,
            https: { allowHTTP1: true, ...tls },
          })
        : new FastifyAdapter(options),
      { logger },
    );
  }
  const app = await NestFactory.create<NestExpressApplication>(
    module as never,
    // Express whose requests share their hidden classes: less memory per
    // open stream, less CPU per connect.
    new SseExpressAdapter(),
    // Idle keep-alive sockets (a client's spare connection) would otherwise
    // hold app.close() for their whole timeout.
    { logger, forceCloseConnections: true, httpsOptions: tls },
  );
  app.useBodyParser('json', { limit: parseByteSize(bodyLimit) });
  return app;
}

/** Serves the files of `root` under `prefix`, with index.html for `prefix` itself. */
export async function serveStatic(
  app: INestApplication,
  platform: HttpPlatform,
  root: string,
  prefix: string,
): Promise<void> {
  if (platform === 'fastify') {
    // Several registrations of @fastify/static may decorate the reply only once.
    (app as NestFastifyApplication).useStaticAssets({
      root,
      prefix,
      decorateReply: false,
    });
  } else {
    // Only paths that name an entry of `root` reach express.static: for any
    // other request (every stream connect, every publish) it would first
    // stat() a file that is not there.
    const entries = new Set(readdirSync(root));
    const files = express.static(root, { index: 'index.html' });
    app.use(prefix, (req: Request, res: Response, next: NextFunction) => {
      const first = firstSegment(req.url);
      if (first === '' || entries.has(first)) files(req, res, next);
      else next();
    });
  }
}

/** Answers GET `path` with a fixed HTML page, on either platform. */
export function serveHtml(
  app: INestApplication,
  path: string,
  html: string,
): void {
  const adapter = app.getHttpAdapter();
  adapter.get(path, (_request: unknown, response: unknown) => {
    adapter.setHeader(response, 'Content-Type', 'text/html; charset=utf-8');
    adapter.reply(response, html, 200);
  });
}

/**
 * The first segment of a request's path (`app.js` of `/app.js?v=2`), read
 * straight from the URL: `req.path` would parse all of it, on every
 * request, stream connects included.
 */
function firstSegment(url: string): string {
  let end = 1;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    // '/', '?', '#'
    if (c === 47 || c === 63 || c === 35) break;
    end++;
  }
  return url.slice(1, end);
}

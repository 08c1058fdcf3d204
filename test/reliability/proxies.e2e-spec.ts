import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IncomingHttpHeaders } from 'node:http';
import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import compression from 'compression';
import type { Express } from 'express';
import { startDemo } from '../support/demo-server.js';
import { http, postBroadcast } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';

describe('proxies and middleware', () => {
  // compression() is Express middleware: this case builds the Express demo
  // on both passes of the suite.
  it('streams events promptly behind Express compression(): no-transform keeps the stream uncompressed', async () => {
    const { app, url } = await startDemo(
      { platform: 'express', keepAliveSeconds: 0 },
      (a) => a.use(compression({ threshold: 0 })),
    );
    const gzip = { 'accept-encoding': 'gzip' };
    const reader = await SseReader.open(`${url}/sse/broadcast`, gzip);
    try {
      // The middleware is active: an ordinary JSON answer comes back gzipped.
      const clients = await http('GET', `${url}/api/clients`, {
        headers: gzip,
      });
      assert.equal(clients.headers['content-encoding'], 'gzip');

      assert.equal(reader.status, 200);
      assert.equal(reader.headers['content-encoding'], undefined);
      assert.equal(reader.headers['cache-control'], 'no-cache, no-transform');
      assert.equal(reader.headers['x-accel-buffering'], 'no');
      await reader.find((e) => e.event === 'connected', 2000);
      for (let i = 0; i < 3; i++) {
        const sent = await postBroadcast(url, { event: 'live', data: { i } });
        // Each event arrives while the stream is still open, before the next publish.
        const got = await reader.find((e) => e.id === sent.json.id, 2000);
        assert.deepEqual(JSON.parse(got.data), { i });
        assert.equal(reader.ended, false);
      }
      const ticks = await SseReader.open(
        `${url}/sse?count=2&intervalMs=50`,
        gzip,
      );
      assert.equal(ticks.headers['content-encoding'], undefined);
      assert.deepEqual(
        (await ticks.take(4, 3000)).map((e) => e.event),
        ['connected', 'tick', 'tick', 'complete'],
      );
    } finally {
      reader.close();
      await app.close();
    }
  });

  it('compression() does gzip a stream whose Cache-Control lacks no-transform (why the header matters)', async () => {
    // The control experiment for the case above: the same middleware on a
    // plain text/event-stream route buffers and gzips it.
    const { app, url } = await startDemo({ platform: 'express' }, (a) => {
      a.use(compression({ threshold: 0 }));
      (a.getHttpAdapter().getInstance() as Express).get(
        '/bare-stream',
        (_req, res) => {
          res.setHeader('Content-Type', 'text/event-stream');
          res.write('data: one\n\n');
          setTimeout(() => res.end('data: two\n\n'), 50);
        },
      );
    });
    try {
      const { headers, body } = await new Promise<{
        headers: IncomingHttpHeaders;
        body: Buffer;
      }>((resolve, reject) => {
        get(
          `${url}/bare-stream`,
          { headers: { 'accept-encoding': 'gzip' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ headers: res.headers, body: Buffer.concat(chunks) }),
            );
          },
        ).on('error', reject);
      });
      assert.equal(headers['content-encoding'], 'gzip');
      assert.equal(gunzipSync(body).toString(), 'data: one\n\ndata: two\n\n');
    } finally {
      await app.close();
    }
  });

  it('keeps CORS headers on streams (and on their refusals)', async () => {
    const origin = 'https://app.example';
    const { app, url } = await startDemo({ maxClients: 1 }, (a) =>
      a.enableCors({ origin, credentials: true }),
    );
    const reader = await SseReader.open(`${url}/sse/broadcast`, { origin });
    try {
      assert.equal(reader.status, 200);
      assert.equal(reader.headers['access-control-allow-origin'], origin);
      assert.equal(reader.headers['access-control-allow-credentials'], 'true');
      await reader.find((e) => e.event === 'connected');
      const refused = await SseReader.open(`${url}/sse/broadcast`, { origin });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['access-control-allow-origin'], origin);
      await refused.body();
    } finally {
      reader.close();
      await app.close();
    }
  });
});

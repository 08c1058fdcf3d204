import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { get } from 'node:http';
import { Server as HttpsServer, get as httpsGet } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { http } from '../support/http.js';
import type { SelfSignedCert } from '../support/self-signed-cert.js';
import { selfSignedCert } from '../support/self-signed-cert.js';
import { SseReader } from '../support/sse-reader.js';
import { startOnSseExpressAdapter } from './express-adapter.app.js';

describe('SseExpressAdapter', () => {
  let app: INestApplication;
  let url: string;

  before(async () => {
    ({ app, url } = await startOnSseExpressAdapter());
  });
  after(() => app.close());

  it('serves Express routes with requests built on its prototypes', async () => {
    const answer = await http('GET', `${url}/probe?a=1&b=2`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, {
      query: { a: '1', b: '2' },
      expressPrototype: true,
    });
  });

  it('streams and broadcasts as on the plain adapter', async () => {
    const reader = await SseReader.open(`${url}/stream`);
    try {
      assert.equal(reader.status, 200);
      await reader.find((event) => event.event === 'connected');
      const published = await http('POST', `${url}/publish`, {
        body: { event: 'note', data: { n: 1 } },
      });
      assert.equal(published.status, 202);
      const note = await reader.find((event) => event.event === 'note');
      assert.equal(note.data, '{"n":1}');
      assert.equal(note.id, published.json.id);
    } finally {
      reader.close();
    }
  });
});

describe('SseExpressAdapter with forceCloseConnections', () => {
  it('closes connections still waiting for an answer with the app', async () => {
    const { app, url } = await startOnSseExpressAdapter({
      forceCloseConnections: true,
    });
    let closing: Promise<void> | undefined;
    try {
      const aborted = new Promise<string>((resolve) => {
        get(`${url}/never`, (res) => resolve(`answered ${res.statusCode}`)).on(
          'error',
          (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message),
        );
      });
      // The request is in the handler, which never answers.
      await new Promise((resolve) => setTimeout(resolve, 100));
      closing = app.close();
      const outcome = await Promise.race([
        closing.then(() => 'closed'),
        new Promise((resolve) => setTimeout(resolve, 5000, 'still open')),
      ]);
      assert.equal(outcome, 'closed');
      assert.equal(await aborted, 'ECONNRESET');
    } finally {
      // Without the tracking, close() would wait for this request forever.
      (app.getHttpServer() as Server).closeAllConnections();
      await (closing ?? app.close());
    }
  });
});

describe('SseExpressAdapter with httpsOptions', () => {
  let tls: SelfSignedCert;
  let app: INestApplication;
  let url: string;

  before(async () => {
    tls = selfSignedCert();
    ({ app, url } = await startOnSseExpressAdapter({
      httpsOptions: {
        key: await readFile(tls.keyPath),
        cert: await readFile(tls.certPath),
      },
    }));
  });
  after(async () => {
    await app.close();
    tls.remove();
  });

  it('serves HTTPS, with requests built on the Express prototypes', async () => {
    assert.ok(app.getHttpServer() instanceof HttpsServer);
    const body = await new Promise<string>((resolve, reject) => {
      httpsGet(
        `${url.replace('http:', 'https:')}/probe?tls=1`,
        { rejectUnauthorized: false },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(text));
        },
      ).on('error', reject);
    });
    assert.deepEqual(JSON.parse(body), {
      query: { tls: '1' },
      expressPrototype: true,
    });
  });
});

import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { after, before, describe, it } from 'node:test';
import { BroadcastService, SseStreams } from '../../src/index.js';
import { http } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';
import { aborted, intercepted, startAdoptionFixture } from './adoption.app.js';

/** Nest's own `@Sse()` routes, served on the fast path because the app imports `SseModule`. */
describe('SseModule adopts Nest @Sse() routes', () => {
  let app: INestApplication;
  let url: string;
  before(async () => {
    ({ app, url } = await startAdoptionFixture());
  });
  after(() => app.close());

  it('serves them as the library does: counted, one shared frame, no per-client id', async () => {
    const streams = app.get(SseStreams);
    const opened = streams.stats.opened;
    const a = await SseReader.open(`${url}/events`);
    const b = await SseReader.open(`${url}/events`);
    try {
      assert.equal(a.status, 200);
      await a.find((e) => e.event === 'connected');
      await b.find((e) => e.event === 'connected');
      assert.equal(streams.stats.opened - opened, 2, 'served by the library');
      // Nest's SseStream numbers every event without an id (`id: 1`).
      assert.doesNotMatch(a.raw, /^id: 1$/m);
      const startA = a.raw.length;
      const startB = b.raw.length;
      await app
        .get(BroadcastService)
        .publish({ event: 'news', data: { x: 1 } });
      await a.find((e) => e.event === 'news');
      await b.find((e) => e.event === 'news');
      assert.equal(a.raw.slice(startA), b.raw.slice(startB));
      assert.match(
        a.raw.slice(startA),
        /^id: \d+\nevent: news\ndata: \{"x":1\}\n\n$/,
      );
    } finally {
      a.close();
      b.close();
    }
  });

  it('keeps guards: 401 before the stream', async () => {
    const answer = await http('GET', `${url}/guarded`);
    assert.equal(answer.status, 401);
    assert.equal(answer.json.message, 'no token');
  });

  it('keeps pipes: 400 before the stream', async () => {
    const answer = await http('GET', `${url}/validated?n=x`);
    assert.equal(answer.status, 400);
    const ok = await SseReader.open(`${url}/validated?n=7`);
    assert.equal(ok.status, 200);
    assert.equal(await ok.body(), 'data: 7\n\n');
  });

  it('keeps exception filters for a stream that fails at once', async () => {
    const answer = await http('GET', `${url}/teapot`);
    assert.equal(answer.status, 418);
    assert.deepEqual(answer.json, { teapot: true });
  });

  it('keeps the method of @Sse(path, { method })', async () => {
    const answer = await http('POST', `${url}/echo`, {
      body: { text: 'posted' },
    });
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^text\/event-stream/);
    assert.equal(answer.text, 'data: posted\n\n');
  });

  it('aborts @SseSignal() when the client goes away', async () => {
    aborted.length = 0;
    const reader = await SseReader.open(`${url}/signal`);
    assert.equal(reader.status, 200);
    assert.deepEqual(aborted, []);
    reader.close();
    await waitFor(() => aborted.length === 1, 3000, 'the abort');
  });

  for (const path of ['plain', 'plain-route']) {
    it(`answers HEAD with the headers only (${path})`, async () => {
      const answer = await http('HEAD', `${url}/${path}`);
      assert.equal(answer.status, 200);
      assert.match(
        String(answer.headers['content-type']),
        /^text\/event-stream/,
      );
      assert.equal(answer.text, '');
      // No frame followed the answer: the connection carries the next one.
      const next = await http('GET', `${url}/guarded`);
      assert.equal(next.status, 401);
    });
  }

  it('adopts a method two controllers inherit, for both', async () => {
    for (const prefix of ['one', 'two']) {
      const reader = await SseReader.open(`${url}/${prefix}/inherited`);
      assert.equal(await reader.body(), 'data: i\n\n', prefix);
    }
  });

  it('leaves a route with interceptors to Nest: they see every event', async () => {
    const reader = await SseReader.open(`${url}/shout`);
    assert.equal(await reader.body(), '\nid: 1\ndata: HELLO\n\n');
  });

  it("leaves an app without SseModule on Nest's own path (same controller class)", async () => {
    const other = await startAdoptionFixture('without');
    try {
      const plain = await SseReader.open(`${other.url}/plain`);
      assert.equal(
        await plain.body(),
        '\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n',
      );
      const adopted = await SseReader.open(`${url}/plain`);
      assert.equal(await adopted.body(), 'data: a\n\ndata: b\n\n');
    } finally {
      await other.app.close();
    }
  });
});

describe('adoptNestSse', () => {
  it("'always' adopts intercepted routes: interceptors see the hand-over, not the events", async () => {
    const { app, url } = await startAdoptionFixture('always');
    try {
      intercepted.length = 0;
      const reader = await SseReader.open(`${url}/shout`);
      assert.equal(await reader.body(), 'data: hello\n\n');
      assert.deepEqual(intercepted, ['start', 'next', 'complete']);
    } finally {
      await app.close();
    }
  });

  it('true leaves every route to Nest when a global interceptor applies', async () => {
    const { app, url } = await startAdoptionFixture('globalInterceptor');
    try {
      const reader = await SseReader.open(`${url}/plain`);
      assert.equal(
        await reader.body(),
        '\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n',
      );
    } finally {
      await app.close();
    }
  });

  it('false leaves every route to Nest', async () => {
    const { app, url } = await startAdoptionFixture('none');
    const streams = app.get(SseStreams);
    try {
      const reader = await SseReader.open(`${url}/events`);
      await reader.find((e) => e.event === 'connected');
      // Nest's own SseStream writes a lone line break when it commits the
      // headers; the fast path writes nothing before the first event.
      assert.ok(reader.raw.startsWith('\n'), JSON.stringify(reader.raw));
      assert.equal(streams.stats.opened, 0);
      reader.close();
    } finally {
      await app.close();
    }
  });
});

/** What changes for an `@Sse()` route once adopted (docs/nest-sse.md, the differences table). */
describe('adopted @Sse() against Nest @Sse()', () => {
  let adopted: { app: INestApplication; url: string };
  let nest: { app: INestApplication; url: string };
  before(async () => {
    adopted = await startAdoptionFixture('default');
    nest = await startAdoptionFixture('none');
  });
  after(async () => {
    await adopted.app.close();
    await nest.app.close();
  });

  const answers = async (path: string) => {
    const read = async (base: string) => {
      const reader = await SseReader.open(`${base}/${path}`);
      return { status: reader.status, body: await reader.body() };
    };
    return { adopted: await read(adopted.url), nest: await read(nest.url) };
  };

  it('an empty stream', async () => {
    const { adopted, nest } = await answers('empty-default');
    assert.deepEqual(adopted, { status: 204, body: '' });
    assert.deepEqual(nest, { status: 200, body: '\n' });
  });

  it('an empty stream with @HttpCode(204)', async () => {
    const { adopted, nest } = await answers('empty');
    assert.deepEqual(adopted, { status: 204, body: '' });
    assert.deepEqual(nest, { status: 204, body: '' });
  });

  it('@HttpCode(201) on a stream with events', async () => {
    const { adopted, nest } = await answers('created');
    assert.deepEqual(adopted, { status: 200, body: 'data: x\n\n' });
    assert.deepEqual(nest, { status: 201, body: '\nid: 1\ndata: x\n\n' });
  });

  it('an error after the headers', async () => {
    const { adopted, nest } = await answers('late-error');
    assert.deepEqual(adopted, {
      status: 200,
      body: 'data: first\n\nevent: stream-error\ndata: {"message":"stream failed"}\n\n',
    });
    assert.deepEqual(nest, {
      status: 200,
      body: '\nid: 1\ndata: first\n\nevent: error\nid: 2\ndata: Internal server error\n\n',
    });
  });
});

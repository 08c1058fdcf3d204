import assert from 'node:assert/strict';
import type { ClientHttp2Session } from 'node:http2';
import { constants } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { SseStreams } from '../../src/index.js';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { H2SseStream, h2Request, h2Session } from '../support/h2-sse-stream.js';
import { http, postBroadcast } from '../support/http.js';
import type { SelfSignedCert } from '../support/self-signed-cert.js';
import { selfSignedCert } from '../support/self-signed-cert.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';

// HTTPS_CERT/HTTPS_KEY: HTTP/2 on Fastify (this file's fastify pass), HTTPS
// over HTTP/1.1 on Express (its express pass).
const platform = process.env.HTTP_ADAPTER ?? 'express';

/** The protocol the server picks by ALPN when a client offers h2 first. */
function negotiated(url: string): Promise<string | false | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: hostname,
      port: Number(port),
      ALPNProtocols: ['h2', 'http/1.1'],
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => {
      resolve(socket.alpnProtocol);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/** Fails (instead of hanging) when `promise` takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string) {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what} took over ${ms} ms`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const connectedCount = async (session: ClientHttp2Session) =>
  JSON.parse((await h2Request(session, '/api/clients')).text)
    .connected as number;

/** Publishes over `session`; the event's id. */
async function publish(session: ClientHttp2Session, body: unknown) {
  const answer = await h2Request(session, '/api/broadcast', {
    method: 'POST',
    body,
  });
  assert.equal(answer.status, 202, answer.text);
  return String(JSON.parse(answer.text).id);
}

/** Every line of an event stream: a field, a comment or blank (no chunk sizes). */
const SSE_LINE = /^(|:.*|event: .*|data: .*|id: .*|retry: \d+)$/;

if (platform === 'fastify') {
  describe('HTTP/2 from the app (Fastify, HTTPS_CERT/HTTPS_KEY)', () => {
    let cert: SelfSignedCert;
    let demo: RunningDemo;
    let session: ClientHttp2Session;
    const streams: H2SseStream[] = [];
    const open = (path = '/sse/broadcast', lastEventId?: string) => {
      const stream = H2SseStream.open(session, path, lastEventId);
      streams.push(stream);
      return stream;
    };
    const connected = (stream: H2SseStream) =>
      stream.until(
        () => stream.events.some((e) => e.event === 'connected'),
        5000,
        'connected',
      );

    before(async () => {
      cert = selfSignedCert();
      demo = await startDemo({ https: cert, keepAliveSeconds: 0 });
      session = await h2Session(demo.url);
    });
    after(async () => {
      for (const stream of streams) if (!stream.ended) stream.reset();
      session?.close();
      await demo?.close();
      cert?.remove();
    });

    it('serves h2 by ALPN, and HTTP/1.1 to a client without it', async () => {
      assert.equal(await negotiated(demo.url), 'h2');
      const reader = await SseReader.open(`${demo.url}/sse/broadcast`);
      try {
        await reader.find((e) => e.event === 'connected');
        assert.equal(reader.headers.connection, 'keep-alive');
        assert.match(
          String(reader.headers['content-type']),
          /^text\/event-stream/,
        );
      } finally {
        reader.close();
      }
    });

    it('100 streams on one session: each gets every broadcast in order, unframed, without a Connection header', async () => {
      const many = Array.from({ length: 100 }, () => open());
      await Promise.all(many.map(connected));
      assert.equal(await connectedCount(session), 100);
      const ids: string[] = [];
      for (let n = 1; n <= 5; n++) {
        ids.push(
          await publish(session, { event: 'h2', data: { n, text: 'a\nb' } }),
        );
      }
      const last = ids[ids.length - 1];
      await Promise.all(
        many.map((s) =>
          s.until(() => s.idsOf('h2').includes(last), 5000, 'the broadcasts'),
        ),
      );
      for (const stream of many) {
        assert.deepEqual(stream.idsOf('h2'), ids);
        assert.equal(stream.headers[':status'], 200);
        assert.match(
          String(stream.headers['content-type']),
          /^text\/event-stream/,
        );
        // Neither is allowed in HTTP/2 (RFC 9113, 8.2.2).
        assert.equal(stream.headers.connection, undefined);
        assert.equal(stream.headers['transfer-encoding'], undefined);
        for (const line of stream.raw.split('\n')) assert.match(line, SSE_LINE);
      }
      assert.deepEqual(
        JSON.parse(many[0].events.find((e) => e.event === 'h2')!.data),
        { n: 1, text: 'a\nb' },
      );
      for (const stream of many) stream.reset();
      await waitFor(
        async () => (await connectedCount(session)) === 0,
        5000,
        'the resets',
      );
    });

    it('replays after Last-Event-ID on an h2 stream', async () => {
      const first = await publish(session, { event: 'past', data: 1 });
      const missed = [
        await publish(session, { event: 'past', data: 2 }),
        await publish(session, { event: 'past', data: 3 }),
      ];
      const stream = open('/sse/broadcast', first);
      await stream.until(
        () => stream.idsOf('past').length === 2,
        5000,
        'the replay',
      );
      assert.deepEqual(stream.idsOf('past'), missed);
      const live = await publish(session, { event: 'past', data: 4 });
      await stream.until(
        () => stream.idsOf('past').length === 3,
        5000,
        'the live one',
      );
      assert.deepEqual(stream.idsOf('past'), [...missed, live]);
      stream.reset();
    });

    it('a stream the client resets is counted out at once; the session reads on', async () => {
      const [gone, staying] = [open(), open()];
      await Promise.all([connected(gone), connected(staying)]);
      assert.equal(await connectedCount(session), 2);
      const resetAt = Date.now();
      gone.reset();
      await waitFor(
        async () => (await connectedCount(session)) === 1,
        1000,
        'the reset stream to be counted out',
      );
      const noticedMs = Date.now() - resetAt;
      assert.ok(noticedMs < 1000, `noticed after ${noticedMs} ms`);
      const id = await publish(session, { event: 'after-reset', data: 1 });
      await staying.until(
        () => staying.idsOf('after-reset').includes(id),
        5000,
        'the event',
      );
      staying.reset();
      await waitFor(
        async () => (await connectedCount(session)) === 0,
        5000,
        'the reset',
      );
    });

    it('a stream whose flow-control window stays full is a slow client: cut at maxBufferedBytes, counted; the others read on', async () => {
      const stats = () => demo.app.get(SseStreams).stats;
      const droppedBefore = stats().dropped;
      const [stuck, healthy] = [open(), open()];
      await Promise.all([connected(stuck), connected(healthy)]);
      stuck.pause();
      // 12 × 512 KiB: past the 4 MiB limit once the 64 KiB window is full.
      const data = 'x'.repeat(512 * 1024);
      const ids: string[] = [];
      for (let n = 0; n < 12; n++)
        ids.push(await publish(session, { event: 'big', data }));
      assert.equal(stats().dropped, droppedBefore + 1);
      // Read on: what the window held arrives, then the reset.
      stuck.stream.resume();
      await stuck.until(() => stuck.ended, 5000, 'the stuck stream to end');
      assert.equal(stuck.rstCode, constants.NGHTTP2_CANCEL);
      assert.ok(
        stuck.idsOf('big').length < ids.length,
        'the stuck stream was cut',
      );
      await healthy.until(
        () => healthy.idsOf('big').length === ids.length,
        10_000,
        'every big event',
      );
      assert.deepEqual(healthy.idsOf('big'), ids);
      assert.ok(
        healthy.events.every((e) => e.event !== 'big' || e.data === data),
      );
      assert.equal(await connectedCount(session), 1);
      healthy.reset();
    });

    it('app.close() ends every h2 stream promptly, a stuck one too', async () => {
      const open20 = Array.from({ length: 20 }, (_, i) =>
        open(i % 2 ? '/sse/broadcast' : '/sse?count=1000&intervalMs=50'),
      );
      const stuck = open();
      await Promise.all([...open20, stuck].map(connected));
      // Its window full, under the drop limit: its end cannot go out.
      stuck.pause();
      const data = 'x'.repeat(256 * 1024);
      for (let n = 0; n < 4; n++)
        await publish(session, { event: 'big', data });
      const startedAt = Date.now();
      await within(demo.close(), 3000, 'app.close()');
      await waitFor(
        () => open20.every((s) => s.ended),
        2000,
        'every stream to end',
      );
      const tookMs = Date.now() - startedAt;
      assert.ok(tookMs < 3000, `took ${tookMs} ms`);
      // Each ended (0), or, on a machine too busy to drain it within the
      // grace period, was reset like the stuck one: none is left open.
      for (const stream of open20) {
        assert.ok(
          stream.rstCode === 0 || stream.rstCode === constants.NGHTTP2_CANCEL,
          `closed with ${stream.rstCode}`,
        );
      }
      // The stuck one is reset after a grace period, not waited for.
      await stuck.until(() => stuck.ended, 2000, 'the stuck stream to close');
      assert.equal(stuck.rstCode, constants.NGHTTP2_CANCEL);
      await within(
        new Promise<void>((resolve) =>
          session.closed || session.destroyed
            ? resolve()
            : session.once('close', resolve),
        ),
        3000,
        'the session to close',
      );
    });
  });
}

if (platform === 'express') {
  describe('HTTPS over HTTP/1.1 on Express (HTTPS_CERT/HTTPS_KEY)', () => {
    let cert: SelfSignedCert;
    let demo: RunningDemo;
    before(async () => {
      cert = selfSignedCert();
      demo = await startDemo({ https: cert });
    });
    after(async () => {
      await demo?.close();
      cert?.remove();
    });

    it('offers no h2 (Express has no HTTP/2) and streams over HTTPS/1.1', async () => {
      assert.notEqual(await negotiated(demo.url), 'h2');
      const reader = await SseReader.open(`${demo.url}/sse/broadcast`);
      try {
        await reader.find((e) => e.event === 'connected');
        assert.equal(reader.headers.connection, 'keep-alive');
        const sent = await postBroadcast(demo.url, { event: 'tls', data: 1 });
        assert.equal(sent.status, 202);
        const got = await reader.find((e) => e.event === 'tls');
        assert.equal(got.id, String(sent.json.id));
        assert.equal(
          (await http('GET', `${demo.url}/api/clients`)).json.connected,
          1,
        );
      } finally {
        reader.close();
      }
    });
  });
}

import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  setImmediate as nextTurn,
  setTimeout as sleep,
} from 'node:timers/promises';
import { asHttpChunk } from '../framing/http-chunk.js';
import { KeepAliveTimer } from '../framing/keep-alive-timer.js';
import { SseConnection } from './sse-connection.js';
import { SseFrame } from '../framing/sse-frame.js';

interface Served {
  connection: SseConnection;
  request: IncomingMessage;
  response: ServerResponse;
  /** Resolves with `dropped` once the connection reported its end. */
  closed: Promise<boolean>;
  /** Whether the connection has not reported its end yet. */
  isOpen: () => boolean;
}

/**
 * A loopback node:http server whose requests become `SseConnection`s;
 * `prepare` may touch the response first (wrap `write`, as middleware does).
 */
function sseServer(
  maxBufferedBytes: number,
  prepare?: (response: ServerResponse) => void,
) {
  const waiting: ((served: Served) => void)[] = [];
  const server = createServer((request, response) => {
    prepare?.(response);
    let reportClose!: (dropped: boolean) => void;
    let open = true;
    const closed = new Promise<boolean>((resolve) => (reportClose = resolve));
    const connection = new SseConnection(
      request,
      response,
      { maxBufferedBytes, keepAlive: new KeepAliveTimer(0, () => {}) },
      (dropped) => {
        open = false;
        reportClose(dropped);
      },
    );
    const isOpen = () => open;
    waiting.shift()?.({ connection, request, response, closed, isOpen });
  });
  return {
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve((server.address() as AddressInfo).port),
        ),
      ),
    /** The next request's connection. */
    next: () => new Promise<Served>((resolve) => waiting.push(resolve)),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A raw TCP client: sends one request and keeps every byte it receives. */
function rawClient(port: number, request: string) {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.write(request);
  return { socket, bytes: () => Buffer.concat(chunks) };
}

const GET_1_1 = 'GET / HTTP/1.1\r\nHost: test\r\n\r\n';
const GET_1_0 = 'GET / HTTP/1.0\r\n\r\n';

/**
 * Splits an HTTP/1.1 chunked response into its header block and chunks;
 * `complete` once the terminating zero-size chunk was read.
 */
function decodeChunked(raw: Buffer) {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd < 0) return { head: '', chunks: [], complete: false };
  const head = raw.subarray(0, headerEnd).toString('latin1');
  const chunks: Buffer[] = [];
  let at = headerEnd + 4;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) return { head, chunks, complete: false };
    const size = parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    assert.ok(Number.isInteger(size), 'a hex chunk size');
    if (size === 0) return { head, chunks, complete: true };
    const start = lineEnd + 2;
    if (raw.length < start + size + 2) return { head, chunks, complete: false };
    assert.equal(
      raw.subarray(start + size, start + size + 2).toString('latin1'),
      '\r\n',
      'each chunk ends with CRLF',
    );
    chunks.push(raw.subarray(start, start + size));
    at = start + size + 2;
  }
}

/** Polls `check` on each event-loop turn, up to `turns` of them. */
async function until(check: () => boolean, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns && !check(); i++) await nextTurn();
  assert.ok(check(), 'condition reached');
}

const frames = [
  SseFrame.from({ type: 'connected', data: { clientId: 'c1' }, retry: 2000 }),
  SseFrame.from({ id: '1', type: 'price', data: { symbol: 'ACME', p: 1.5 } }),
  SseFrame.from({ id: '2', data: 'two lines\nof text' }),
  SseFrame.from({ id: '3', type: 'big', data: 'x'.repeat(70_000) }),
  SseFrame.comment('keep-alive'),
];
const last = SseFrame.from({ type: 'bye', data: 'last' });
const allBytes = Buffer.concat([...frames, last].map((f) => f.bytes));

describe('asHttpChunk (HTTP/1.1 chunk encoding of a frame)', () => {
  it('is the size in hex, CRLF, the frame bytes, CRLF', () => {
    for (const frame of [...frames, last]) {
      const size = frame.bytes.length.toString(16);
      assert.deepEqual(
        asHttpChunk(frame),
        Buffer.concat([
          Buffer.from(`${size}\r\n`),
          frame.bytes,
          Buffer.from('\r\n'),
        ]),
      );
    }
  });

  it('encodes a frame once for consecutive writes of it (a broadcast)', () => {
    const frame = SseFrame.from({ id: '9', data: 'shared' });
    const first = asHttpChunk(frame);
    assert.equal(asHttpChunk(frame), first);
    assert.equal(asHttpChunk(frame), first);
    const other = asHttpChunk(SseFrame.from({ id: '10', data: 'next' }));
    assert.notEqual(other, first);
    assert.deepEqual(asHttpChunk(frame), first, 'same bytes after a switch');
  });
});

describe('SseConnection on a real loopback server', () => {
  const server = sseServer(4 * 1024 * 1024);
  let port: number;
  before(async () => {
    port = await server.listen();
  });
  after(() => server.close());

  it('puts status, headers and frames on an HTTP/1.1 wire as well-formed chunks, in order, ended by the zero chunk', async () => {
    const next = server.next();
    const client = rawClient(port, GET_1_1);
    const { connection, closed } = await next;
    for (const frame of frames) connection.write(frame);
    connection.end(last);
    assert.equal(await closed, false);
    await until(() => decodeChunked(client.bytes()).complete);
    const { head, chunks } = decodeChunked(client.bytes());
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\ncontent-type: text\/event-stream; charset=utf-8/i);
    assert.match(head, /\r\ncache-control: no-cache, no-transform/i);
    assert.match(head, /\r\ntransfer-encoding: chunked/i);
    assert.deepEqual(Buffer.concat(chunks), allBytes);
    client.socket.destroy();
  });

  it('writes the same bytes, unchunked, to an HTTP/1.0 client, and closes', async () => {
    const next = server.next();
    const client = rawClient(port, GET_1_0);
    const ended = new Promise((resolve) => client.socket.once('end', resolve));
    const { connection } = await next;
    for (const frame of frames) connection.write(frame);
    connection.end(last);
    await ended;
    const raw = client.bytes();
    const headerEnd = raw.indexOf('\r\n\r\n');
    assert.match(raw.subarray(0, headerEnd).toString(), /^HTTP\/1\.1 200 OK/);
    assert.deepEqual(raw.subarray(headerEnd + 4), allBytes);
  });

  it('sends the headers with the first frame, in the same write', async () => {
    const next = server.next();
    const client = rawClient(port, GET_1_1);
    const firstData = new Promise<Buffer>((resolve) =>
      client.socket.once('data', resolve),
    );
    const { connection } = await next;
    connection.write(frames[0]);
    const first = await firstData;
    const { chunks } = decodeChunked(first);
    assert.deepEqual(chunks, [frames[0].bytes]);
    connection.end();
    client.socket.destroy();
  });

  it('answers HEAD with the headers alone, then ends: no frame follows on the connection', async () => {
    const next = server.next();
    // A GET after the HEAD on the same connection: it must be the next bytes.
    const client = rawClient(port, 'HEAD / HTTP/1.1\r\nHost: test\r\n\r\n');
    const { connection, closed } = await next;
    for (const frame of frames) connection.write(frame);
    const ended = await Promise.race([closed, sleep(1000).then(() => 'open')]);
    assert.equal(ended, false, 'the HEAD stream ended by itself');
    const following = server.next();
    client.socket.write(GET_1_1);
    const second = await following;
    second.connection.end(last);
    await until(() => client.bytes().includes('0\r\n\r\n'));
    const text = client.bytes().toString('latin1');
    const heads = text.split('\r\n\r\n');
    assert.match(heads[0], /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(heads[0], /\r\ncontent-type: text\/event-stream/i);
    // The HEAD answer is followed directly by the GET's status line.
    assert.match(heads[1], /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(
      !text.includes('clientId'),
      'no frame of the HEAD stream was sent',
    );
    client.socket.destroy();
  });

  it('still goes through a write() that middleware wrapped (compression, loggers)', async () => {
    const wrapped = sseServer(4 * 1024 * 1024, (response) => {
      const write = response.write.bind(response) as (chunk: Buffer) => boolean;
      const seen: Buffer[] = [];
      (response as unknown as { seen: Buffer[] }).seen = seen;
      response.write = ((chunk: Buffer) => {
        seen.push(Buffer.from(chunk));
        return write(chunk);
      }) as ServerResponse['write'];
    });
    const wrappedPort = await wrapped.listen();
    try {
      const next = wrapped.next();
      const client = rawClient(wrappedPort, GET_1_1);
      const { connection, response } = await next;
      for (const frame of frames) connection.write(frame);
      connection.end(last);
      await until(() => decodeChunked(client.bytes()).complete);
      const seen = (response as unknown as { seen: Buffer[] }).seen;
      assert.deepEqual(Buffer.concat(seen), allBytes);
      assert.deepEqual(
        Buffer.concat(decodeChunked(client.bytes()).chunks),
        allBytes,
      );
      client.socket.destroy();
    } finally {
      await wrapped.close();
    }
  });
});

describe('SseConnection backpressure: a client that stops reading', () => {
  /**
   * Writes `frame` until the connection drops or `maxWrites` is reached,
   * yielding now and then so the socket can flush, and returns how many
   * were written and the most Node held unread for the client at any time.
   */
  async function flood(served: Served, frame: SseFrame, maxWrites: number) {
    let writes = 0;
    let mostBuffered = 0;
    while (served.isOpen() && writes < maxWrites) {
      served.connection.write(frame);
      writes++;
      if (served.isOpen()) {
        mostBuffered = Math.max(mostBuffered, served.response.writableLength);
      }
      if (writes % 16 === 0) await nextTurn();
    }
    return { writes, mostBuffered };
  }

  /** A client that reads the response headers, then nothing more. */
  function stalledClient(port: number): Socket {
    const socket = connect(port, '127.0.0.1');
    socket.once('data', () => socket.pause());
    socket.write(GET_1_1);
    return socket;
  }

  for (const { limit, frameBytes } of [
    { limit: 256 * 1024, frameBytes: 16 * 1024 },
    // Below the socket's high-water mark: checked on every write.
    { limit: 1024, frameBytes: 100 },
  ]) {
    it(`drops it once more than ${limit} bytes wait for it (${frameBytes}-byte frames), never holding much more`, async () => {
      const server = sseServer(limit);
      const port = await server.listen();
      try {
        const next = server.next();
        const socket = stalledClient(port);
        const served = await next;
        served.connection.write(SseFrame.comment('hello'));
        const frame = SseFrame.from({ data: 'x'.repeat(frameBytes) });
        // Far more than loopback socket buffers can absorb.
        const { mostBuffered } = await flood(served, frame, 40_000);
        assert.equal(served.isOpen(), false, 'dropped');
        assert.equal(await served.closed, true, 'reported as dropped');
        // One frame (and its chunk header) past the limit at most.
        assert.ok(
          mostBuffered <= limit + frame.bytes.length + 16,
          `held ${mostBuffered} bytes for a limit of ${limit}`,
        );
        socket.destroy();
      } finally {
        await server.close();
      }
    });
  }

  it('keeps a client that reads, however much is sent', async () => {
    const server = sseServer(256 * 1024);
    const port = await server.listen();
    try {
      const next = server.next();
      const client = rawClient(port, GET_1_1);
      const served = await next;
      const frame = SseFrame.from({ data: 'y'.repeat(16 * 1024) });
      let writes = 0;
      // Each batch is sent once the client has read the one before.
      for (let batch = 0; batch < 20; batch++) {
        for (let i = 0; i < 16; i++) served.connection.write(frame);
        writes += 16;
        await until(() => served.response.writableLength === 0);
      }
      assert.equal(served.isOpen(), true);
      served.connection.end();
      assert.equal(await served.closed, false);
      await until(() => decodeChunked(client.bytes()).complete);
      const body = Buffer.concat(decodeChunked(client.bytes()).chunks);
      assert.equal(body.length, writes * frame.bytes.length);
      client.socket.destroy();
    } finally {
      await server.close();
    }
  });
});

import assert from 'node:assert/strict';
import type { ClientRequest, IncomingMessage, Server } from 'node:http';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it, mock } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpException } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { NEVER, Subject, concat, of } from 'rxjs';
import { TooManyClientsFromAddressException } from '../errors/too-many-clients-from-address.exception.js';
import { TooManyClientsException } from '../errors/too-many-clients.exception.js';
import { SseFrame } from '../framing/sse-frame.js';
import { resolveSseOptions } from '../resolved-sse-options.js';
import type { SseModuleOptions } from '../sse-module-options.js';
import { StreamRegistry } from './stream.registry.js';

/**
 * A loopback server that serves every request through a `StreamRegistry`
 * (as `@SseRoute()` does, the address from `?from=`), and answers a refusal
 * itself as an exception filter would: its status, headers kept.
 */
async function serveThrough(
  options: SseModuleOptions,
  source: () => Observable<SseFrame> = () =>
    concat(of(SseFrame.comment('open')), NEVER),
) {
  const registry = new StreamRegistry(resolveSseOptions(options));
  const refusals: unknown[] = [];
  const server: Server = createServer((request, response) => {
    const from = new URL(request.url!, 'http://x').searchParams.get('from');
    registry
      .serve({
        source: source(),
        request,
        response,
        clientAddress: from ?? undefined,
      })
      .subscribe({
        error: (err: HttpException) => {
          refusals.push(err);
          response.statusCode = err.getStatus();
          response.end(JSON.stringify(err.getResponse()));
        },
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const clients: ClientRequest[] = [];
  const open = (from?: string) =>
    new Promise<{ response: IncomingMessage; close: () => void }>(
      (resolve, reject) => {
        const query = from === undefined ? '' : `?from=${from}`;
        const client = get(
          { host: '127.0.0.1', port, path: `/${query}`, agent: false },
          (response) => resolve({ response, close: () => client.destroy() }),
        );
        client.on('error', reject);
        clients.push(client);
      },
    );
  const close = async () => {
    for (const client of clients) client.destroy();
    registry.onModuleDestroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { registry, refusals, open, close };
}

/** Waits (bounded) until the registry counts `open` streams. */
async function untilOpen(registry: StreamRegistry, open: number) {
  for (let i = 0; i < 200 && registry.stats.open !== open; i++) {
    await sleep(5);
  }
  assert.equal(registry.stats.open, open);
}

describe('StreamRegistry limits', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(() => close?.());

  it('maxClients counts every stream it serves: one more is a 503 with Retry-After, a freed place is taken again', async () => {
    const served = await serveThrough({ maxClients: 2, retryMs: 3000 });
    close = served.close;
    const first = await served.open();
    const second = await served.open();
    assert.deepEqual(
      [first.response.statusCode, second.response.statusCode],
      [200, 200],
    );
    const refused = await served.open();
    assert.equal(refused.response.statusCode, 503);
    assert.equal(refused.response.headers['retry-after'], '3');
    assert.ok(served.refusals[0] instanceof TooManyClientsException);
    first.close();
    await untilOpen(served.registry, 1);
    assert.equal((await served.open()).response.statusCode, 200);
    assert.deepEqual(served.registry.stats, { open: 2, opened: 3, dropped: 0 });
  });

  it('maxClientsPerAddress counts the same streams, per address: one more is a 429 with Retry-After', async () => {
    const served = await serveThrough({
      maxClientsPerAddress: 2,
      retryAfterSeconds: 7,
    });
    close = served.close;
    const first = await served.open('a');
    await served.open('a');
    const refused = await served.open('a');
    assert.equal(refused.response.statusCode, 429);
    assert.equal(refused.response.headers['retry-after'], '7');
    assert.ok(served.refusals[0] instanceof TooManyClientsFromAddressException);
    assert.equal((await served.open('b')).response.statusCode, 200);
    // The refusal took no place: closing one stream frees exactly one.
    first.close();
    await untilOpen(served.registry, 2);
    assert.equal((await served.open('a')).response.statusCode, 200);
    assert.equal((await served.open('a')).response.statusCode, 429);
  });

  it('counts by the socket address when the framework gives none', async () => {
    const served = await serveThrough({ maxClientsPerAddress: 1 });
    close = served.close;
    assert.equal((await served.open()).response.statusCode, 200);
    assert.equal((await served.open()).response.statusCode, 429);
  });

  it('ends every open stream at shutdown with a retry frame, and answers later requests with an ended stream', async () => {
    const served = await serveThrough({
      retryMs: 1000,
      shutdownRetrySpreadMs: 0,
    });
    close = served.close;
    const { response } = await served.open();
    const body: Buffer[] = [];
    response.on('data', (chunk: Buffer) => body.push(chunk));
    const ended = new Promise((resolve) => response.on('end', resolve));
    served.registry.onModuleDestroy();
    await ended;
    assert.equal(Buffer.concat(body).toString(), ': open\n\nretry: 1000\n\n');
    assert.equal(served.registry.stats.open, 0);
    const late = await served.open();
    assert.equal(late.response.statusCode, 200);
    const lateBody: Buffer[] = [];
    late.response.on('data', (chunk: Buffer) => lateBody.push(chunk));
    await new Promise((resolve) => late.response.on('end', resolve));
    assert.equal(Buffer.concat(lateBody).length, 0);
    assert.equal(served.registry.stats.opened, 1);
  });
});

describe('StreamRegistry keep-alive', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    mock.timers.reset();
    await close?.();
  });

  it('comments on a stream silent for most of keepAliveSeconds, once per interval, and never on one written to meanwhile', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    const feeds: Subject<SseFrame>[] = [];
    const served = await serveThrough({ keepAliveSeconds: 1 }, () => {
      const feed = new Subject<SseFrame>();
      feeds.push(feed);
      return concat(of(SseFrame.comment('open')), feed);
    });
    close = served.close;
    const received = async () => {
      const { response } = await served.open();
      const text = { value: '' };
      response.on('data', (chunk: Buffer) => (text.value += chunk));
      return text;
    };
    const quiet = await received();
    const busy = await received();
    const comments = (text: { value: string }) =>
      text.value.split(': keep-alive ').length - 1;
    // 4 s (mocked), a frame to the busy stream every 0.5 s.
    for (let ms = 0; ms < 4000; ms += 250) {
      if (ms % 500 === 0) feeds[1].next(SseFrame.from({ data: String(ms) }));
      mock.timers.tick(250);
    }
    for (let i = 0; i < 200 && comments(quiet) < 4; i++) await sleep(5);
    await sleep(20);
    assert.equal(comments(quiet), 4, 'one per second of silence');
    assert.equal(comments(busy), 0, 'none between frames');
    assert.equal(busy.value.split('data: ').length - 1, 8);
  });
});

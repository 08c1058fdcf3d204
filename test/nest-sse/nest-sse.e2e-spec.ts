import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { BroadcastService } from '../../src/index.js';
import { RecordingEventSource } from '../support/event-source.js';
import { http } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';
import { startNestSseFixture } from './nest-sse.app.js';

/**
 * `BroadcastService.stream()` returned from Nest's built-in `@Sse()` (not
 * the library's `@SseRoute()`), with `SseModule.forRootAsync` reading an
 * app config provider.
 */
describe('BroadcastService.stream() under Nest @Sse()', () => {
  let app: INestApplication;
  let url: string;
  let broadcast: BroadcastService;
  before(async () => {
    ({ app, url } = await startNestSseFixture());
    broadcast = app.get(BroadcastService);
  });
  after(() => app.close());

  const publish = async (body: object) => {
    const answer = await http('POST', `${url}/publish`, { body });
    assert.equal(answer.status, 202, answer.text);
    return answer.json.id as string;
  };

  it('sends connected with the configured retry, then every broadcast', async () => {
    const reader = await SseReader.open(`${url}/events`);
    try {
      assert.equal(reader.status, 200);
      assert.match(
        String(reader.headers['content-type']),
        /^text\/event-stream/,
      );
      const connected = await reader.find((e) => e.event === 'connected');
      assert.equal(connected.retry, 1500);
      assert.ok(JSON.parse(connected.data).clientId);
      const id = await publish({ event: 'news', data: { a: 1 } });
      const event = await reader.find((e) => e.event === 'news');
      assert.equal(event.id, id);
      assert.deepEqual(JSON.parse(event.data), { a: 1 });
    } finally {
      reader.close();
    }
  });

  it('routes channel broadcasts and counts clients per channel', async () => {
    const a = await SseReader.open(`${url}/events?channel=a`);
    const plain = await SseReader.open(`${url}/events`);
    try {
      await a.find((e) => e.event === 'connected');
      await plain.find((e) => e.event === 'connected');
      assert.deepEqual(broadcast.connectedClients, {
        total: 2,
        channels: { a: 1 },
      });
      await publish({ event: 'e', data: 'for-a', channel: 'a' });
      await publish({ event: 'e', data: 'for-all' });
      await a.find((e) => e.data === 'for-all');
      await plain.find((e) => e.data === 'for-all');
      assert.deepEqual(
        a.events.filter((e) => e.event === 'e').map((e) => e.data),
        ['for-a', 'for-all'],
      );
      assert.deepEqual(
        plain.events.filter((e) => e.event === 'e').map((e) => e.data),
        ['for-all'],
      );
    } finally {
      a.close();
      plain.close();
    }
    await waitFor(
      () => broadcast.connectedClients.total === 0,
      2000,
      'disconnects',
    );
    assert.deepEqual(broadcast.connectedClients, { total: 0, channels: {} });
  });

  it('replays after Last-Event-ID', async () => {
    const first = await publish({ event: 'r', data: 1 });
    const second = await publish({ event: 'r', data: 2 });
    const reader = await SseReader.open(`${url}/events`, {
      'last-event-id': first,
    });
    try {
      const event = await reader.find((e) => e.event === 'r');
      assert.equal(event.id, second);
    } finally {
      reader.close();
    }
  });

  it('@LastEventId() reads the header, else ?lastEventId= (the header wins)', async () => {
    const first = await publish({ event: 'q', data: 1 });
    const second = await publish({ event: 'q', data: 2 });
    const third = await publish({ event: 'q', data: 3 });
    const byQuery = await SseReader.open(`${url}/events?lastEventId=${first}`);
    const both = await SseReader.open(`${url}/events?lastEventId=${first}`, {
      'last-event-id': second,
    });
    try {
      const fromQuery = await byQuery.take(3);
      assert.deepEqual(
        fromQuery.map((e) => [e.event, e.id]),
        [
          ['connected', first],
          ['q', second],
          ['q', third],
        ],
      );
      const fromHeader = await both.take(2);
      assert.deepEqual(
        fromHeader.map((e) => [e.event, e.id]),
        [
          ['connected', second],
          ['q', third],
        ],
      );
    } finally {
      byQuery.close();
      both.close();
    }
  });

  it('an EventSource that reconnects before any broadcast gets no old events', async () => {
    await publish({ event: 'old', data: 'published before this client' });
    const source = new RecordingEventSource(`${url}/events`, [
      'connected',
      'old',
      'history-gap',
    ]);
    try {
      await waitFor(() => source.named('connected').length === 1);
      // The server ends the stream (as a restart or a proxy timeout would).
      await waitFor(() => broadcast.connectedClients.total === 1);
      const reconnects = source.requests.length;
      (app.getHttpServer() as Server).closeAllConnections();
      await waitFor(
        () => source.requests.length > reconnects,
        10_000,
        'the reconnect',
      );
      await waitFor(
        () => source.named('connected').length === 2,
        10_000,
        'connected again',
      );
      assert.deepEqual(
        source.named('old'),
        [],
        'no event from before it connected',
      );
      assert.deepEqual(source.named('history-gap'), []);
    } finally {
      source.close();
    }
  });

  it('carries the keep-alive comments', async () => {
    const reader = await SseReader.open(`${url}/events`);
    try {
      await reader.until(
        () => reader.comments.some((c) => /keep-alive/.test(c)),
        4000,
        'a keep-alive comment',
      );
    } finally {
      reader.close();
    }
  });

  it('ends the stream promptly when the app closes, without a stray event', async () => {
    const { app: other, url: otherUrl } = await startNestSseFixture();
    const reader = await SseReader.open(`${otherUrl}/events`);
    await reader.find((e) => e.event === 'connected');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      other.close(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('app.close() hung')), 3000);
      }),
    ]).finally(() => clearTimeout(timer));
    await reader.until(() => reader.ended, 2000, 'the stream to end');
    assert.deepEqual(
      reader.events.map((e) => e.event),
      ['connected'],
      `nothing but connected was dispatched:\n${reader.raw}`,
    );
  });
});

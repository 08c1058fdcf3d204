import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { IncomingMessage, Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { RecordingEventSource } from '../support/event-source.js';
import { postBroadcast } from '../support/http.js';
import type { ReadEvent } from '../support/sse-reader.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';

async function publishMany(demo: RunningDemo, count: number, channel?: string) {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const answer = await postBroadcast(demo.url, {
      event: 'n',
      data: { n },
      channel,
    });
    assert.equal(answer.status, 202);
    ids.push(answer.json.id);
  }
  return ids;
}

/** Opens a stream with `Last-Event-ID: lastEventId` (no header when undefined). */
async function reconnect(
  demo: RunningDemo,
  lastEventId: string | undefined,
  query = '',
) {
  const reader = await SseReader.open(
    `${demo.url}/sse/broadcast${query}`,
    lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
  );
  assert.equal(reader.status, 200);
  await reader.find((e) => e.event === 'connected');
  return reader;
}

const afterConnected = (reader: SseReader): ReadEvent[] =>
  reader.events.filter((e) => e.event !== 'connected');

/** Server-side sockets of the open /sse/broadcast requests, to cut them like a network failure would. */
function trackStreamSockets(demo: RunningDemo) {
  const sockets = new Set<Socket>();
  const server = demo.app.getHttpServer() as Server;
  server.on('request', (req: IncomingMessage) => {
    if (req.url?.startsWith('/sse/broadcast')) sockets.add(req.socket);
  });
  return () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
}

describe('replay after reconnect (Last-Event-ID)', () => {
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo.close());

  it('replays every missed event in order after the Last-Event-ID header, then goes live', async () => {
    const ids = await publishMany(demo, 5);
    const reader = await reconnect(demo, ids[1]);
    try {
      await reader.take(4);
      const live = await postBroadcast(demo.url, {
        event: 'n',
        data: { n: 5 },
      });
      await reader.find((e) => e.id === live.json.id);
      assert.deepEqual(
        afterConnected(reader).map((e) => e.id),
        [...ids.slice(2), live.json.id],
      );
      assert.deepEqual(
        afterConnected(reader).map((e) => JSON.parse(e.data).n),
        [2, 3, 4, 5],
      );
    } finally {
      reader.close();
    }
  });

  it('takes ?lastEventId= for clients that cannot set headers; the header wins when both are given', async () => {
    const ids = await publishMany(demo, 3);
    const byQuery = await reconnect(demo, undefined, `?lastEventId=${ids[0]}`);
    const both = await SseReader.open(
      `${demo.url}/sse/broadcast?lastEventId=${ids[0]}`,
      { 'last-event-id': ids[1] },
    );
    try {
      await byQuery.take(3);
      await both.take(2);
      assert.deepEqual(
        afterConnected(byQuery).map((e) => e.id),
        ids.slice(1),
      );
      assert.deepEqual(
        afterConnected(both).map((e) => e.id),
        ids.slice(2),
      );
    } finally {
      byQuery.close();
      both.close();
    }
  });

  it('replays only what the client subscribed to', async () => {
    const start = await publishMany(demo, 1);
    const a = await publishMany(demo, 2, 'a');
    await publishMany(demo, 2, 'b');
    const all = await publishMany(demo, 1);
    const reader = await reconnect(demo, start[0], '?channel=a');
    try {
      const last = await reader.find((e) => e.id === all[0]);
      assert.ok(last);
      assert.deepEqual(
        afterConnected(reader).map((e) => e.id),
        [...a, ...all],
      );
    } finally {
      reader.close();
    }
  });

  it('loses and repeats nothing when a client reconnects again and again while events keep coming', async () => {
    const total = 300;
    const published: string[] = [];
    const publisher = (async () => {
      for (let n = 0; n < total; n++) {
        const answer = await postBroadcast(demo.url, {
          event: 'load',
          data: { n },
        });
        published.push(answer.json.id);
      }
    })();
    const seen: string[] = [];
    let lastId: string | undefined;
    let reader = await SseReader.open(`${demo.url}/sse/broadcast`);
    await reader.find((e) => e.event === 'connected');
    const loadEvents = () => reader.events.filter((e) => e.event === 'load');
    for (let round = 0; round < 8; round++) {
      await reader.until(
        () => loadEvents().length >= 5 || published.length === total,
        10_000,
        'events',
      );
      reader.close();
      for (const e of loadEvents()) seen.push(e.id!);
      lastId = seen.at(-1) ?? lastId;
      reader = lastId
        ? await reconnect(demo, lastId)
        : await SseReader.open(`${demo.url}/sse/broadcast`);
      await reader.find((e) => e.event === 'connected');
    }
    await publisher;
    await reader.until(
      () => loadEvents().at(-1)?.id === published.at(-1),
      10_000,
      'the last event',
    );
    for (const e of loadEvents()) seen.push(e.id!);
    reader.close();

    assert.equal(new Set(seen).size, seen.length, 'no event twice');
    assert.equal(
      reader.events.some((e) => e.event === 'history-gap'),
      false,
    );
    const from = published.indexOf(seen[0]);
    assert.ok(from >= 0);
    assert.deepEqual(
      seen,
      published.slice(from),
      'every event after the first, in order',
    );
  });

  it('an EventSource that loses its connection comes back with Last-Event-ID and misses nothing', async () => {
    const cut = trackStreamSockets(demo);
    const source = new RecordingEventSource(`${demo.url}/sse/broadcast`, [
      'connected',
      'n',
      'history-gap',
    ]);
    try {
      await waitFor(() => source.named('connected').length === 1);
      const before = await publishMany(demo, 3);
      await waitFor(() => source.named('n').length === 3);
      cut();
      const during = await publishMany(demo, 4);
      await waitFor(
        () => source.named('connected').length === 2,
        10_000,
        'the reconnect',
      );
      const afterwards = await publishMany(demo, 2);
      await waitFor(() => source.named('n').length >= 9, 5000, 'every event');
      assert.deepEqual(
        source.named('n').map((e) => e.lastEventId),
        [...before, ...during, ...afterwards],
      );
      assert.deepEqual(source.named('history-gap'), []);
      assert.deepEqual(
        source.requests.map((r) => [r.lastEventId, r.status]),
        [
          [null, 200],
          [before[2], 200],
        ],
      );
    } finally {
      source.close();
    }
  });
});

describe('replay beyond the history (SSE_HISTORY_SIZE=3)', () => {
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo({ historySize: 3 });
  });
  after(() => demo.close());

  it('an id older than the history gets history-gap { reason: "expired" }, then all the history, then live', async () => {
    const ids = await publishMany(demo, 6);
    const reader = await reconnect(demo, ids[0]);
    try {
      await reader.take(5);
      const live = await postBroadcast(demo.url, {
        event: 'n',
        data: { n: 6 },
      });
      await reader.find((e) => e.id === live.json.id);
      const [gap, ...rest] = afterConnected(reader);
      assert.equal(gap.event, 'history-gap');
      assert.deepEqual(JSON.parse(gap.data), {
        lastEventId: ids[0],
        reason: 'expired',
        replayed: 3,
      });
      assert.equal(
        gap.id,
        ids[0],
        'the notice keeps the Last-Event-ID the client came with',
      );
      assert.deepEqual(
        rest.map((e) => e.id),
        [...ids.slice(3), live.json.id],
      );
    } finally {
      reader.close();
    }
  });

  it('an id this server never issued gets history-gap { reason: "unknown" } and only live events', async () => {
    await publishMany(demo, 2);
    const source = new RecordingEventSource(
      `${demo.url}/sse/broadcast?lastEventId=not-an-id`,
      ['connected', 'n', 'history-gap'],
    );
    try {
      await waitFor(() => source.named('history-gap').length === 1);
      const live = await publishMany(demo, 1);
      await waitFor(() => source.named('n').length === 1);
      assert.deepEqual(JSON.parse(source.named('history-gap')[0].data), {
        lastEventId: 'not-an-id',
        reason: 'unknown',
        replayed: 0,
      });
      assert.deepEqual(
        source.named('n').map((e) => e.lastEventId),
        live,
      );
    } finally {
      source.close();
    }
  });
});

describe('replay with no history (SSE_HISTORY_SIZE=0)', () => {
  it('tells the client it missed events instead of replaying', async () => {
    const demo = await startDemo({ historySize: 0 });
    try {
      const ids = await publishMany(demo, 2);
      const reader = await reconnect(demo, ids[0]);
      try {
        const gap = await reader.find((e) => e.event === 'history-gap');
        assert.equal(JSON.parse(gap.data).replayed, 0);
        assert.equal(
          reader.events.some((e) => e.event === 'n'),
          false,
        );
      } finally {
        reader.close();
      }
    } finally {
      await demo.close();
    }
  });
});

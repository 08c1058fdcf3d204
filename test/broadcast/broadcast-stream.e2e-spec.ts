import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClientChange } from '../../src/index.js';
import { BroadcastService, SseStreams } from '../../src/index.js';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { RecordingEventSource } from '../support/event-source.js';
import { http, postBroadcast } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';

const clients = async (demo: RunningDemo) => {
  // The figures of this instance (the only one).
  const { connected, channels } = (await http('GET', `${demo.url}/api/clients`))
    .json as { connected: number; channels: Record<string, number> };
  return { connected, channels };
};

/** Opens a raw stream and waits for its `connected` event. */
async function subscribe(demo: RunningDemo, query = '') {
  const reader = await SseReader.open(`${demo.url}/sse/broadcast${query}`);
  assert.equal(reader.status, 200);
  await reader.find((e) => e.event === 'connected');
  return reader;
}

const received = (reader: SseReader) =>
  reader.events.filter((e) => e.event !== 'connected');

describe('GET /sse/broadcast', () => {
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo({ keepAliveSeconds: 1 });
  });
  after(() => demo.close());

  it('starts with connected ({ clientId, serverTime }, with retry) and stream headers', async () => {
    const reader = await subscribe(demo);
    try {
      assert.match(
        String(reader.headers['content-type']),
        /^text\/event-stream/,
      );
      assert.match(String(reader.headers['cache-control']), /no-cache/);
      assert.equal(reader.headers['x-accel-buffering'], 'no');
      const [connected] = reader.events;
      assert.equal(connected.event, 'connected');
      assert.equal(connected.retry, 2000);
      const data = JSON.parse(connected.data);
      assert.deepEqual(Object.keys(data).sort(), ['clientId', 'serverTime']);
      assert.match(data.clientId, /^[0-9a-f-]{36}$/);
      assert.ok(!Number.isNaN(Date.parse(data.serverTime)));
    } finally {
      reader.close();
    }
  });

  it('fans every broadcast out to every client, in order, with increasing ids', async () => {
    const readers = await Promise.all([1, 2, 3].map(() => subscribe(demo)));
    const source = new RecordingEventSource(`${demo.url}/sse/broadcast`, [
      'connected',
      'note',
    ]);
    try {
      await waitFor(() => source.named('connected').length === 1);
      const ids: string[] = [];
      for (let n = 1; n <= 20; n++) {
        const answer = await postBroadcast(demo.url, {
          event: 'note',
          data: { n },
        });
        assert.equal(answer.status, 202);
        ids.push(answer.json.id);
      }
      for (let i = 1; i < ids.length; i++) {
        assert.ok(BigInt(ids[i]) > BigInt(ids[i - 1]), 'ids increase');
      }
      for (const reader of readers) {
        await reader.take(21);
        assert.deepEqual(
          received(reader).map((e) => [e.event, e.id, JSON.parse(e.data).n]),
          ids.map((id, i) => ['note', id, i + 1]),
        );
      }
      await waitFor(() => source.named('note').length === 20);
      assert.deepEqual(
        source.named('note').map((e) => [e.lastEventId, JSON.parse(e.data).n]),
        ids.map((id, i) => [id, i + 1]),
      );
    } finally {
      source.close();
      for (const reader of readers) reader.close();
    }
  });

  it('sends a channel broadcast to that channel only, and an unchanneled one to everyone', async () => {
    const everyone = await subscribe(demo);
    const news = await subscribe(demo, '?channel=news');
    const repeated = await subscribe(demo, '?channel=news&channel=sport');
    const commas = await subscribe(demo, '?channel=sport,weather');
    const all = [everyone, news, repeated, commas];
    try {
      for (const [data, channel] of [
        ['n1', 'news'],
        ['s1', 'sport'],
        ['w1', 'weather'],
        ['x1', 'nobody'],
        ['all', undefined],
      ]) {
        const answer = await postBroadcast(demo.url, { data, channel });
        assert.equal(answer.status, 202);
        assert.equal(answer.json.channel, channel ?? null);
      }
      // The last broadcast reaches everyone: once it is in, nothing else is coming.
      for (const reader of all) await reader.find((e) => e.data === 'all');
      const data = (r: SseReader) => received(r).map((e) => e.data);
      assert.deepEqual(data(everyone), ['all']);
      assert.deepEqual(data(news), ['n1', 'all']);
      assert.deepEqual(data(repeated), ['n1', 's1', 'all']);
      assert.deepEqual(data(commas), ['s1', 'w1', 'all']);
    } finally {
      for (const reader of all) reader.close();
    }
  });

  it('answers a bad channel name with a 400 JSON error, not a stream', async () => {
    const answer = await http(
      'GET',
      `${demo.url}/sse/broadcast?channel=a%0Ab`,
      {
        headers: { accept: 'text/event-stream' },
      },
    );
    assert.equal(answer.status, 400);
    assert.match(String(answer.headers['content-type']), /application\/json/);
    assert.match(JSON.stringify(answer.json.message), /channel/);
  });

  it('answers a last event id that cannot be an SSE id with a 400 JSON error, then serves on', async () => {
    const answer = await http(
      'GET',
      `${demo.url}/sse/broadcast?lastEventId=a%0Ab`,
      { headers: { accept: 'text/event-stream' } },
    );
    assert.equal(answer.status, 400);
    assert.match(String(answer.headers['content-type']), /application\/json/);
    assert.match(JSON.stringify(answer.json.message), /id/);
    // Nothing of the refused stream is left behind: the next one is served.
    const reader = await subscribe(demo);
    try {
      assert.equal(reader.status, 200);
    } finally {
      reader.close();
    }
  });

  it('sends keep-alive comments every SSE_KEEPALIVE_SECONDS', async () => {
    const reader = await subscribe(demo);
    try {
      await reader.until(
        () => reader.comments.length >= 2,
        5000,
        'two keep-alives',
      );
      for (const comment of reader.comments) {
        assert.match(comment, /^keep-alive \d{4}-\d\d-\d\dT/);
      }
      assert.equal(received(reader).length, 0, 'comments dispatch no event');
    } finally {
      reader.close();
    }
  });

  it('cannot be made to emit a fake event through multi-line data', async () => {
    const reader = await subscribe(demo);
    try {
      const payload =
        'line 1\n\nevent: fake\nid: 1\ndata: injected\r\nretry: 1';
      const answer = await postBroadcast(demo.url, {
        event: 'real',
        data: payload,
      });
      assert.equal(answer.status, 202);
      const event = await reader.find((e) => e.event === 'real');
      assert.equal(event.data, payload.replace(/\r\n/g, '\n'));
      assert.equal(event.id, answer.json.id);
      assert.equal(
        reader.events.some((e) => e.event === 'fake'),
        false,
      );
      assert.match(reader.raw, /^data: event: fake$/m);
    } finally {
      reader.close();
    }
  });

  it('carries UTF-8 text and a large payload intact', async () => {
    const reader = await subscribe(demo);
    try {
      const text = 'héllo € 😀 日本語 ';
      const big = text.repeat(20_000);
      const answer = await postBroadcast(demo.url, { data: { text, big } });
      assert.equal(answer.status, 202);
      const event = await reader.find((e) => e.event === 'message');
      assert.deepEqual(JSON.parse(event.data), { text, big });
    } finally {
      reader.close();
    }
  });

  it('serializes one broadcast once, whatever the number of clients', async () => {
    const readers = await Promise.all(
      Array.from({ length: 10 }, () => subscribe(demo)),
    );
    try {
      let serialized = 0;
      const data = {
        toJSON: () => {
          serialized++;
          return { once: true };
        },
      };
      await demo.app.get(BroadcastService).publish({ event: 'once', data });
      for (const reader of readers)
        await reader.find((e) => e.event === 'once');
      assert.equal(serialized, 1);
    } finally {
      for (const reader of readers) reader.close();
    }
  });

  describe('client bookkeeping', () => {
    it('counts clients in all and per channel, and notices disconnects at once', async () => {
      const streams = demo.app.get(SseStreams);
      await waitFor(async () => (await clients(demo)).connected === 0);
      const changes: ClientChange[] = [];
      const subscription = demo.app
        .get(BroadcastService)
        .clientChanges$.subscribe((c) => changes.push(c));
      const openBefore = streams.stats.open;

      const a = await subscribe(demo, '?channel=a');
      const ab = await subscribe(demo, '?channel=a,b');
      const plain = await subscribe(demo);
      const source = new RecordingEventSource(
        `${demo.url}/sse/broadcast?channel=b`,
        ['connected'],
      );
      try {
        await waitFor(() => source.named('connected').length === 1);
        assert.deepEqual(await clients(demo), {
          connected: 4,
          channels: { a: 2, b: 2 },
        });
        const answer = await postBroadcast(demo.url, { data: 1 });
        assert.equal(answer.json.connected, 4);

        ab.close();
        await waitFor(
          async () => (await clients(demo)).connected === 3,
          2000,
          'a disconnect',
        );
        assert.deepEqual(await clients(demo), {
          connected: 3,
          channels: { a: 1, b: 1 },
        });
        source.close();
        a.close();
        plain.close();
        await waitFor(
          async () => (await clients(demo)).connected === 0,
          2000,
          'all disconnects',
        );
        assert.deepEqual(await clients(demo), { connected: 0, channels: {} });
        await waitFor(
          () => streams.stats.open === openBefore,
          2000,
          'streams released',
        );

        const connects = changes.filter((c) => c.type === 'connect');
        const disconnects = changes.filter((c) => c.type === 'disconnect');
        assert.equal(connects.length, 4);
        assert.deepEqual(
          disconnects.map((c) => c.clientId).sort(),
          connects.map((c) => c.clientId).sort(),
        );
        const abId = JSON.parse(ab.events[0].data).clientId;
        assert.deepEqual(connects.find((c) => c.clientId === abId)?.channels, [
          'a',
          'b',
        ]);
      } finally {
        subscription.unsubscribe();
        source.close();
        for (const r of [a, ab, plain]) r.close();
      }
    });

    it('leaks nothing over many connects and disconnects', async () => {
      const streams = demo.app.get(SseStreams);
      await waitFor(() => streams.stats.open === 0, 2000, 'a quiet server');
      // Counts per kind. A leak is a kind that grows; one that shrinks is a
      // keep-alive socket of an earlier request that timed out meanwhile.
      const handles = () => {
        const counts = new Map<string, number>();
        for (const kind of process.getActiveResourcesInfo()) {
          if (kind !== 'FSReqCallback')
            counts.set(kind, (counts.get(kind) ?? 0) + 1);
        }
        return counts;
      };
      const baseline = handles();
      for (let round = 0; round < 20; round++) {
        const batch = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            subscribe(demo, i % 2 ? `?channel=c${i}` : ''),
          ),
        );
        await postBroadcast(demo.url, { data: round });
        for (const reader of batch) reader.close();
      }
      await waitFor(
        () => streams.stats.open === 0,
        2000,
        'every stream released',
      );
      assert.deepEqual(await clients(demo), { connected: 0, channels: {} });
      const grown = () =>
        [...handles()]
          .filter(([kind, count]) => count > (baseline.get(kind) ?? 0))
          .map(
            ([kind, count]) => `${kind}: ${baseline.get(kind) ?? 0} → ${count}`,
          );
      await waitFor(() => grown().length === 0, 5000, 'no more handles').catch(
        () => assert.deepEqual(grown(), []),
      );
    });
  });
});

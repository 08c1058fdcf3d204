import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { http, postBroadcast } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';

/** What the client may send when it opens a stream: channel names, how many, and its Last-Event-ID. */
describe('stream input: one channel rule for both sides, bounded channels and Last-Event-ID', () => {
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo.close());

  const clients = async () => {
    // The figures of this instance (the only one).
    const { connected, channels } = (
      await http('GET', `${demo.url}/api/clients`)
    ).json as { connected: number; channels: Record<string, number> };
    return { connected, channels };
  };

  it('refuses a channel nobody could publish to with a 400 JSON reason, before the stream', async () => {
    for (const bad of ['café', 'x'.repeat(500), 'a b', '中文']) {
      const query = `?channel=${encodeURIComponent(bad)}`;
      const stream = await http('GET', `${demo.url}/sse/broadcast${query}`, {
        headers: { accept: 'text/event-stream' },
      });
      assert.equal(stream.status, 400, bad);
      assert.match(String(stream.headers['content-type']), /application\/json/);
      assert.match(JSON.stringify(stream.json.message), /channel/);
      const publish = await postBroadcast(demo.url, { data: 1, channel: bad });
      assert.equal(publish.status, 400, bad);
    }
    assert.deepEqual(await clients(), { connected: 0, channels: {} });
  });

  it('subscribes and publishes to the same names: the longest valid one works both ways', async () => {
    const name = `a:${'b'.repeat(62)}`;
    const reader = await SseReader.open(
      `${demo.url}/sse/broadcast?channel=${name}`,
    );
    try {
      assert.equal(reader.status, 200);
      await reader.find((e) => e.event === 'connected');
      const sent = await postBroadcast(demo.url, { data: 'x', channel: name });
      assert.equal(sent.status, 202);
      await reader.find((e) => e.id === sent.json.id);
    } finally {
      reader.close();
    }
  });

  it('refuses more than 64 channels on one stream with a 400, and counts none of them', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `c${i}`).join(',');
    const answer = await http(
      'GET',
      `${demo.url}/sse/broadcast?channel=${many}`,
    );
    assert.equal(answer.status, 400);
    assert.match(
      JSON.stringify(answer.json.message),
      /at most 64 channels; 1000 were asked for/,
    );
    const ok = Array.from({ length: 64 }, (_, i) => `c${i}`).join(',');
    const reader = await SseReader.open(
      `${demo.url}/sse/broadcast?channel=${ok}`,
    );
    try {
      assert.equal(reader.status, 200);
      await reader.find((e) => e.event === 'connected');
      assert.equal(Object.keys((await clients()).channels).length, 64);
    } finally {
      reader.close();
    }
  });

  it('reads a 10 KB Last-Event-ID as unknown and does not echo it back', async () => {
    const huge = 'z'.repeat(10_000);
    const reader = await SseReader.open(`${demo.url}/sse/broadcast`, {
      'last-event-id': huge,
    });
    try {
      assert.equal(reader.status, 200);
      const [connected, gap] = await reader.take(2);
      assert.equal(connected.event, 'connected');
      assert.notEqual(connected.id, huge);
      assert.equal(gap.event, 'history-gap');
      assert.equal(JSON.parse(gap.data).reason, 'unknown');
      assert.ok(reader.raw.length < 1000, `${reader.raw.length} bytes`);
      // The position it got instead is a real one: nothing published later is missed.
      reader.close();
      const missed = await postBroadcast(demo.url, { data: 'later' });
      const again = await SseReader.open(`${demo.url}/sse/broadcast`, {
        'last-event-id': gap.id ?? '',
      });
      try {
        await again.find((e) => e.id === missed.json.id);
        assert.ok(!again.events.some((e) => e.event === 'history-gap'));
      } finally {
        again.close();
      }
    } finally {
      reader.close();
    }
  });
});

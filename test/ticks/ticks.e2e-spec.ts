import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SseStreams } from '../../src/index.js';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { RecordingEventSource } from '../support/event-source.js';
import { http } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';

describe('GET /sse (ticks)', () => {
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo.close());

  it('sends connected (with retry), count ticks with ids 1..count, complete, then ends', async () => {
    const reader = await SseReader.open(
      `${demo.url}/sse?count=5&intervalMs=10`,
    );
    assert.equal(reader.status, 200);
    assert.match(String(reader.headers['content-type']), /^text\/event-stream/);
    assert.match(String(reader.headers['cache-control']), /no-cache/);
    assert.equal(reader.headers['x-accel-buffering'], 'no');
    await reader.body();
    const [connected, ...rest] = reader.events;
    assert.equal(connected.event, 'connected');
    assert.equal(connected.retry, 2000);
    const hello = JSON.parse(connected.data);
    assert.deepEqual(Object.keys(hello).sort(), ['clientId', 'serverTime']);
    assert.match(hello.clientId, /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(hello.serverTime)));

    const ticks = rest.slice(0, 5);
    assert.deepEqual(
      ticks.map((e) => [e.event, e.id]),
      [1, 2, 3, 4, 5].map((i) => ['tick', String(i)]),
    );
    ticks.forEach((tick, n) => {
      const data = JSON.parse(tick.data);
      assert.deepEqual(Object.keys(data).sort(), ['count', 'i', 'time']);
      assert.equal(data.i, n + 1);
      assert.equal(data.count, 5);
      assert.ok(!Number.isNaN(Date.parse(data.time)));
    });
    assert.equal(rest[5].event, 'complete');
    assert.equal(rest.length, 6, 'nothing after complete');
    assert.equal(reader.ended, true);
  });

  it('gives every client its own stream', async () => {
    const [a, b] = await Promise.all([
      SseReader.open(`${demo.url}/sse?count=2&intervalMs=10`),
      SseReader.open(`${demo.url}/sse?count=3&intervalMs=10`),
    ]);
    await Promise.all([a.body(), b.body()]);
    const ticks = (r: SseReader) => r.events.filter((e) => e.event === 'tick');
    assert.deepEqual(
      ticks(a).map((e) => e.id),
      ['1', '2'],
    );
    assert.deepEqual(
      ticks(b).map((e) => e.id),
      ['1', '2', '3'],
    );
    assert.notEqual(
      JSON.parse(a.events[0].data).clientId,
      JSON.parse(b.events[0].data).clientId,
    );
  });

  it('defaults to 10 ticks', async () => {
    const reader = await SseReader.open(`${demo.url}/sse?intervalMs=10`);
    await reader.body();
    const ticks = reader.events.filter((e) => e.event === 'tick');
    assert.equal(ticks.length, 10);
    assert.equal(JSON.parse(ticks[9].data).count, 10);
  });

  it('defaults to one tick a second (the server times of two ticks are at least ~1 s apart)', async () => {
    const reader = await SseReader.open(`${demo.url}/sse?count=2`);
    await reader.body(10_000);
    const [first, second] = reader.events
      .filter((e) => e.event === 'tick')
      .map((e) => Date.parse(JSON.parse(e.data).time));
    assert.ok(second - first >= 900, `ticks ${second - first} ms apart`);
  });

  it('accepts the bounds count=1, count=1000, intervalMs=10 and intervalMs=60000', async () => {
    const one = await SseReader.open(`${demo.url}/sse?count=1&intervalMs=10`);
    await one.body();
    assert.deepEqual(
      one.events.map((e) => e.event),
      ['connected', 'tick', 'complete'],
    );
    for (const query of [
      'count=1000&intervalMs=10',
      'count=1&intervalMs=60000',
    ]) {
      const reader = await SseReader.open(`${demo.url}/sse?${query}`);
      assert.equal(reader.status, 200, query);
      await reader.find((e) => e.event === 'connected');
      reader.close();
    }
  });

  const badQueries: [string, RegExp][] = [
    ['count=0', /count/],
    ['count=1001', /count/],
    ['count=-3', /count/],
    ['count=abc', /count/],
    ['count=1.5', /count/],
    ['count=', /count/],
    ['count=1&count=2', /count/],
    ['intervalMs=9', /intervalMs/],
    ['intervalMs=60001', /intervalMs/],
    ['intervalMs=fast', /intervalMs/],
    ['count=0&intervalMs=0', /count[\s\S]*intervalMs|intervalMs[\s\S]*count/],
  ];
  for (const [query, field] of badQueries) {
    it(`answers ?${query} with a 400 JSON error before any stream`, async () => {
      const answer = await http('GET', `${demo.url}/sse?${query}`, {
        headers: { accept: 'text/event-stream' },
      });
      assert.equal(answer.status, 400);
      assert.match(String(answer.headers['content-type']), /application\/json/);
      assert.equal(answer.json.statusCode, 400);
      assert.match(JSON.stringify(answer.json.message), field);
      assert.doesNotMatch(answer.text, /^(event|data):/m);
    });
  }

  it('works with an EventSource, which stops for good after complete (204 on its reconnect)', async () => {
    const source = new RecordingEventSource(
      `${demo.url}/sse?count=3&intervalMs=10`,
      ['connected', 'tick', 'complete'],
    );
    try {
      await waitFor(
        () => source.readyState === 2,
        10_000,
        'the EventSource to close',
      );
      assert.deepEqual(
        source.events.map((e) => e.type),
        ['connected', 'tick', 'tick', 'tick', 'complete'],
      );
      assert.deepEqual(
        source.named('tick').map((e) => e.lastEventId),
        ['1', '2', '3'],
      );
      assert.deepEqual(source.requests, [
        { lastEventId: null, status: 200 },
        { lastEventId: '3', status: 204 },
      ]);
    } finally {
      source.close();
    }
  });

  it('resumes after Last-Event-ID: n at tick n+1', async () => {
    const reader = await SseReader.open(
      `${demo.url}/sse?count=4&intervalMs=10`,
      {
        'last-event-id': '2',
      },
    );
    await reader.body();
    assert.deepEqual(
      reader.events.map((e) => [e.event, e.id]),
      [
        ['connected', undefined],
        ['tick', '3'],
        ['tick', '4'],
        ['complete', undefined],
      ],
    );
  });

  it('stops the ticks of a client that disconnects, at once', async () => {
    const streams = demo.app.get(SseStreams);
    const openBefore = streams.stats.open;
    const reader = await SseReader.open(
      `${demo.url}/sse?count=1000&intervalMs=10`,
    );
    await reader.take(3);
    assert.equal(streams.stats.open, openBefore + 1);
    reader.close();
    await waitFor(
      () => streams.stats.open === openBefore,
      2000,
      'the stream to be released',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BroadcastService, SseStreams } from '../../src/index.js';
import { startDemo } from '../support/demo-server.js';
import { http, postBroadcast } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';
import { startOperabilityFixture } from './operability.app.js';
import { LogCapture } from '../support/log-capture.js';
import { RawStream } from '../support/raw-stream.js';

/** `name value` lines of a Prometheus text exposition. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [name, value] = line.split(' ');
    out.set(name, Number(value));
  }
  return out;
}

describe('operability', () => {
  it('GET /metrics exposes the BroadcastService and stream counters for Prometheus', async () => {
    const demo = await startDemo({ historySize: 10 });
    const readers: SseReader[] = [];
    try {
      const first = await postBroadcast(demo.url, { data: 'before anyone' });
      readers.push(await SseReader.open(`${demo.url}/sse/broadcast`));
      readers.push(
        await SseReader.open(`${demo.url}/sse/broadcast?channel=news`, {
          'last-event-id': String(Number(first.json.id) - 1),
        }),
      );
      readers.push(
        await SseReader.open(`${demo.url}/sse?count=1000&intervalMs=60000`),
      );
      await Promise.all(
        readers.map((r) => r.find((e) => e.event === 'connected')),
      );
      await postBroadcast(demo.url, { data: 1 });
      await postBroadcast(demo.url, { data: 2, channel: 'news' });
      await readers[1].take(4); // connected, the replayed one, 1, 2

      const answer = await http('GET', `${demo.url}/metrics`);
      assert.equal(answer.status, 200);
      // Express adds a charset, after the version (Nest 12) or before it (Nest 11).
      const [type, ...parameters] = String(answer.headers['content-type'])
        .split(';')
        .map((part) => part.trim());
      assert.equal(type, 'text/plain');
      assert.ok(parameters.includes('version=0.0.4'), parameters.join('; '));
      assert.match(answer.text, /^# TYPE sse_events_published_total counter$/m);
      assert.match(answer.text, /^# TYPE sse_clients_connected gauge$/m);
      const values = samples(answer.text);
      const stats = demo.app.get(BroadcastService).stats;
      assert.deepEqual(stats, {
        connected: 2,
        published: 3,
        delivered: 3, // 1 to both streams, 2 to the news one
        replayed: 1,
      });
      assert.equal(values.get('sse_clients_connected'), 2);
      assert.equal(values.get('sse_streams_open'), 3);
      assert.equal(values.get('sse_streams_opened_total'), 3);
      assert.equal(values.get('sse_events_published_total'), 3);
      assert.equal(values.get('sse_events_delivered_total'), 3);
      assert.equal(values.get('sse_events_replayed_total'), 1);
      assert.equal(values.get('sse_clients_dropped_total'), 0);
      assert.ok(values.get('process_resident_memory_bytes')! > 10_000_000);
      assert.ok(values.get('nodejs_heap_size_used_bytes')! > 1_000_000);
    } finally {
      for (const r of readers) r.close();
      await demo.close();
    }
  });

  it('logs connects and disconnects at debug, a dropped client and a failed stream at warn', async () => {
    const fixture = await startOperabilityFixture();
    const logs = new LogCapture();
    fixture.app.useLogger(logs);
    const broadcast = fixture.app.get(BroadcastService);
    const streams = fixture.app.get(SseStreams);
    let stuck: RawStream | undefined;
    try {
      const reader = await SseReader.open(`${fixture.url}/feed`);
      await reader.find((e) => e.event === 'connected');
      reader.close();
      await waitFor(() => logs.find('debug', /disconnected/).length === 1);
      assert.equal(
        logs.find(
          'debug',
          /^Client [\w-]+ connected \(channels: none; 1 open\)$/,
        ).length,
        1,
      );

      stuck = await RawStream.open(fixture.url, '/feed');
      await stuck.connected;
      stuck.pause();
      const payload = 'x'.repeat(256 * 1024);
      // Bounded: the kernel buffers take a few MB, then the 64 KiB cap cuts it.
      for (let i = 0; i < 400 && streams.stats.dropped === 0; i++) {
        await broadcast.publish({ data: payload });
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(streams.stats.dropped, 1);
      assert.equal(
        logs.find('warn', /Dropped an SSE client that stopped reading/).length,
        1,
      );

      const failing = await SseReader.open(`${fixture.url}/failing`);
      await failing.find((e) => e.event === 'stream-error');
      await waitFor(
        () =>
          logs.find('warn', /SSE stream failed: Error: source broke/).length ===
          1,
      );
      assert.deepEqual(logs.find('error', /./), [], 'nothing at error level');
    } finally {
      stuck?.destroy();
      await fixture.app.close();
    }
  });
});

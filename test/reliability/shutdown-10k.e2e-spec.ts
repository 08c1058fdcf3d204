import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { postBroadcast } from '../support/http.js';
import { waitFor } from '../support/wait.js';
import type { DemoProcess } from '../support/demo-process.js';
import { openFileLimit, startDemoProcess } from '../support/demo-process.js';
import { RawStream } from '../support/raw-stream.js';

/** Streams held open when SIGTERM arrives. */
const STREAMS = 10_000;
/** Of which per-connection tick streams (ended by the registry, not BroadcastService). */
const TICK_STREAMS = 500;
const RETRY_MS = 2000;
const SPREAD_MS = 5000;
/**
 * The documented bound: SIGTERM to process exit with 10,000 open streams.
 * This test asserts a duration because the issue defines the bound as the
 * behaviour; typical runs take a fraction of it.
 */
const EXIT_BOUND_MS = 5000;

/** Opens `count` streams, `concurrency` connects at a time, over 127.0.0.1-8. */
async function openMany(
  url: string,
  count: number,
  path: (i: number) => string,
): Promise<RawStream[]> {
  const streams: RawStream[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const stream = await RawStream.open(url, path(i), {
        localAddress: `127.0.0.${1 + (i % 8)}`,
      });
      streams[i] = stream;
      await stream.connected;
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  return streams;
}

describe(`shutdown with ${STREAMS} open streams (child process, SIGTERM)`, () => {
  let demo: DemoProcess | undefined;
  let streams: RawStream[] = [];
  after(() => {
    for (const s of streams) s?.destroy();
    demo?.kill('SIGKILL');
  });

  it('sends every client the events published before the signal and a spread retry, and exits within the bound', async () => {
    // The server gets a raised limit; this process holds one socket per
    // stream, so it needs STREAMS + a margin under its own soft limit.
    assert.ok(
      openFileLimit() > STREAMS + 500,
      `this test needs a soft open-file limit above ${STREAMS + 500} (ulimit -n)`,
    );
    demo = await startDemoProcess({
      entry: 'instrumented',
      config: {
        keepAliveSeconds: 0,
        historySize: 100,
        // Shutdown spread is the library default; retryMs too.
      },
      fdLimit: 65_536,
    });
    const broadcasts = STREAMS - TICK_STREAMS;
    const started = performance.now();
    streams = await openMany(demo.url, STREAMS, (i) =>
      i < TICK_STREAMS
        ? '/sse?count=1000&intervalMs=60000'
        : i % 2
          ? '/sse/broadcast?channel=news'
          : '/sse/broadcast',
    );
    const openMs = performance.now() - started;
    const before = await demo.peek();
    assert.equal(before.stats.connected, broadcasts);
    assert.equal(before.streams.open, STREAMS);

    // Published and acknowledged (fanned out) before the signal.
    const published: { id: string; channel?: string; data: string }[] = [];
    for (let n = 0; n < 6; n++) {
      const channel = n % 3 === 2 ? 'news' : undefined;
      const data = `before the signal #${n}`;
      const answer = await postBroadcast(demo.url, {
        event: 'notice',
        data,
        channel,
      });
      assert.equal(answer.status, 202);
      published.push({ id: answer.json.id, channel, data });
    }
    const signalled = performance.now();
    process.kill(demo.pid, 'SIGTERM');
    const exit = await demo.exited;
    const exitMs = exit.at - signalled;
    await waitFor(
      () => streams.every((s) => s.closed),
      10_000,
      'every stream to be closed',
    );

    const retries: number[] = [];
    for (let i = 0; i < STREAMS; i++) {
      const parsed = streams[i].parse();
      const events = parsed.events.filter((e) => e.event !== 'connected');
      if (i < TICK_STREAMS) {
        assert.deepEqual(events, [], `tick stream ${i} got no tick yet`);
      } else {
        const news = i % 2 === 1;
        const expected = published
          .filter((p) => p.channel === undefined || news)
          .map((p) => ({ id: p.id, event: 'notice', data: p.data }));
        assert.deepEqual(
          events.map(({ id, event, data }) => ({ id, event, data })),
          expected,
          `stream ${i}: every event published before the signal, in order`,
        );
      }
      // The last thing on the wire is the shutdown retry, after every event.
      const last = parsed.sequence.at(-1);
      assert.equal(last?.kind, 'retry', `stream ${i} ends with a retry`);
      retries.push((last as { ms: number }).ms);
    }
    const min = Math.min(...retries);
    const max = Math.max(...retries);
    const mean = retries.reduce((a, b) => a + b, 0) / retries.length;
    assert.ok(min >= RETRY_MS && max <= RETRY_MS + SPREAD_MS, `${min}..${max}`);
    // Spread, not one value: close to uniform over [retry, retry + spread].
    assert.ok(new Set(retries).size > 1000, 'distinct retry values');
    assert.ok(
      Math.abs(mean - (RETRY_MS + SPREAD_MS / 2)) < SPREAD_MS * 0.05,
      `mean retry ${mean}`,
    );
    const firstSecond = retries.filter((r) => r < RETRY_MS + 1000).length;
    assert.ok(
      firstSecond < STREAMS * 0.3,
      `${firstSecond} clients would reconnect in the first second`,
    );

    console.log(
      `# shutdown: ${STREAMS} streams opened in ${Math.round(openMs)} ms; SIGTERM to exit ${Math.round(exitMs)} ms (bound ${EXIT_BOUND_MS} ms); retry ${min}..${max} ms, mean ${Math.round(mean)}; exit ${exit.code ?? exit.signal}`,
    );
    assert.ok(
      exitMs < EXIT_BOUND_MS,
      `exited ${Math.round(exitMs)} ms after SIGTERM`,
    );
  });
});

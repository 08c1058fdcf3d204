import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { http, postBroadcast } from '../support/http.js';
import { waitFor } from '../support/wait.js';
import type { DemoProcess } from '../support/demo-process.js';
import { startDemoProcess } from '../support/demo-process.js';
import { IdScanningReader } from '../support/id-scanning-reader.js';
import { RawStream } from '../support/raw-stream.js';

const MB = 1024 * 1024;
/** Bytes broadcast in all (each event goes to every client). */
const TOTAL_BYTES = 200 * MB;
const EVENT_BYTES = 256 * 1024;
const EVENTS = TOTAL_BYTES / EVENT_BYTES;
const HEALTHY = 100;
/** Events a healthy client may be behind before the publisher waits for it. */
const WINDOW = 4;
/**
 * The documented bound on the server's retained memory growth: RSS after a
 * full GC, sampled through the run. Without the GC the figure also holds
 * garbage the collector has not reclaimed yet (printed, not asserted): it
 * depends on V8's heuristics, not on the stuck client.
 */
const RSS_BOUND = 64 * MB;

describe('a client that stops reading (child process, 200 MB broadcast)', () => {
  let demo: DemoProcess | undefined;
  const readers: IdScanningReader[] = [];
  let stuck: RawStream | undefined;
  after(() => {
    for (const r of readers) r.close();
    stuck?.destroy();
    demo?.kill('SIGKILL');
  });

  it('is cut and counted, server memory stays bounded, and the healthy clients get every event in order', async () => {
    demo = await startDemoProcess({
      entry: 'instrumented',
      config: { keepAliveSeconds: 0, historySize: 16 },
    });
    for (let i = 0; i < HEALTHY; i++) {
      readers.push(await IdScanningReader.open(`${demo.url}/sse/broadcast`));
    }
    stuck = await RawStream.open(demo.url, '/sse/broadcast');
    await stuck.connected;
    stuck.pause();
    await waitFor(
      async () => (await demo!.peek()).stats.connected === HEALTHY + 1,
      5000,
      'every client to be connected',
    );

    const payload = 'x'.repeat(EVENT_BYTES - 64);
    const published: string[] = [];
    // Warm up (JIT, buffers, body parser), then take the baseline.
    const warmup = await postBroadcast(demo.url, {
      event: 'warmup',
      data: payload,
    });
    published.push(warmup.json.id);
    const baseline = (await demo.report()).rss;
    let peak = baseline;
    let rawPeak = demo.rss();
    const rawSampler = setInterval(() => {
      rawPeak = Math.max(rawPeak, demo!.rss());
    }, 25);
    let sampling = true;
    const retainedSampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await demo!.report()).rss);
        await new Promise((r) => setTimeout(r, 500));
      }
    })();

    const received = () => Math.min(...readers.map((r) => r.ids.length));
    const started = performance.now();
    try {
      for (let n = 0; n < EVENTS; n++) {
        // Healthy clients keep up: never more than WINDOW events behind.
        if (received() < published.length - WINDOW) {
          await new Promise<void>((resolve, reject) => {
            const offs: (() => void)[] = [];
            const check = () => {
              if (received() >= published.length - WINDOW) {
                offs.forEach((off) => off());
                clearTimeout(timer);
                resolve();
              }
            };
            const timer = setTimeout(() => {
              offs.forEach((off) => off());
              reject(new Error(`healthy clients stalled at ${received()}`));
            }, 30_000);
            for (const r of readers) offs.push(r.onProgress(check));
            check();
          });
        }
        const answer = await postBroadcast(demo.url, {
          event: 'bulk',
          data: payload,
        });
        assert.equal(answer.status, 202);
        published.push(answer.json.id);
      }
      await waitFor(
        () => received() === published.length,
        30_000,
        'the healthy clients to get the last event',
      );
    } finally {
      clearInterval(rawSampler);
      sampling = false;
      await retainedSampler;
    }
    const elapsed = performance.now() - started;
    peak = Math.max(peak, (await demo.report()).rss);

    for (const [i, reader] of readers.entries()) {
      assert.equal(reader.ended, false, `healthy client ${i} is still open`);
      assert.deepEqual(
        reader.ids,
        published,
        `healthy client ${i}: every id, in order`,
      );
    }
    const report = await demo.report();
    assert.equal(report.streams.dropped, 1, 'exactly the stuck client was cut');
    assert.equal(report.stats.connected, HEALTHY);
    const metrics = (await http('GET', `${demo.url}/metrics`)).text;
    assert.match(metrics, /^sse_clients_dropped_total 1$/m);

    // The stuck client, once it reads again, finds its connection closed
    // after a small part of what was broadcast.
    stuck.resume();
    await waitFor(() => stuck!.closed, 10_000, 'the stuck connection to close');
    assert.ok(
      stuck.bytes < 64 * MB,
      `the stuck client was sent ${stuck.bytes} bytes before the cut`,
    );

    const growth = peak - baseline;
    console.log(
      `# slow client: ${EVENTS} x ${EVENT_BYTES / 1024} KiB to ${HEALTHY} healthy + 1 stuck in ${Math.round(elapsed)} ms (${Math.round((EVENTS * EVENT_BYTES * HEALTHY) / MB / (elapsed / 1000))} MiB/s delivered); stuck cut after ${(stuck.bytes / MB).toFixed(1)} MiB; RSS baseline ${(baseline / MB).toFixed(0)} MiB, retained peak +${(growth / MB).toFixed(1)} MiB (bound ${RSS_BOUND / MB}), peak without GC +${((rawPeak - baseline) / MB).toFixed(1)} MiB`,
    );
    assert.ok(growth < RSS_BOUND, `RSS grew ${(growth / MB).toFixed(1)} MiB`);
  });
});

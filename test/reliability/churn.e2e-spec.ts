import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { http } from '../support/http.js';
import { waitFor } from '../support/wait.js';
import type { DemoProcess, DemoReport } from '../support/demo-process.js';
import { startDemoProcess } from '../support/demo-process.js';
import { RawStream } from '../support/raw-stream.js';

const CYCLES = 20_000;
const WARMUP = 2_000;
const CONCURRENCY = 64;
const PER_IP = 100;
const MB = 1024 * 1024;
/** The documented bound on heap growth (after a full GC) over the cycles. */
const HEAP_BOUND = 4 * MB;

/** Connect, wait for `connected`, disconnect; `count` times, `CONCURRENCY` at once. */
async function churn(url: string, count: number, offset: number) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = offset + next++;
      // Half on a channel, some replaying, spread over 127.0.0.1-8.
      const query =
        i % 4 === 0 ? '?lastEventId=0' : i % 2 ? `?channel=c${i % 10}` : '';
      const stream = await RawStream.open(url, `/sse/broadcast${query}`, {
        localAddress: `127.0.0.${1 + (i % 8)}`,
      });
      await stream.connected;
      // Some leave at once, some after the server saw them settle.
      if (i % 3 === 0) await new Promise((r) => setImmediate(r));
      stream.destroy();
      await stream.ended;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const settled = (demo: DemoProcess) =>
  waitFor(
    async () => {
      const r = await demo.peek();
      return r.stats.connected === 0 && r.streams.open === 0;
    },
    10_000,
    'every stream to be closed on the server',
  );

describe(`churn: ${CYCLES} connect/disconnect cycles (child process)`, () => {
  let demo: DemoProcess | undefined;
  after(() => demo?.kill('SIGKILL'));

  it('returns to zero clients, leaks no timers, handles, listeners or per-address counts, and heap growth stays bounded', async () => {
    demo = await startDemoProcess({
      entry: 'instrumented',
      config: {
        keepAliveSeconds: 1,
        historySize: 50,
        maxClientsPerAddress: PER_IP,
      },
    });
    for (let n = 0; n < 5; n++) {
      // On a connection of its own, so no idle socket is left to count.
      await http('POST', `${demo.url}/api/broadcast`, {
        body: { event: 'seed', data: n },
        headers: { connection: 'close' },
      });
    }
    await churn(demo.url, WARMUP, 0);
    await settled(demo);
    const before = await demo.report();

    const started = performance.now();
    await churn(demo.url, CYCLES, WARMUP);
    const elapsed = performance.now() - started;
    await settled(demo);
    const afterChurn = await demo.report();

    const opened = afterChurn.streams.opened - before.streams.opened;
    assert.equal(opened, CYCLES, 'every cycle opened a stream');
    assert.equal(afterChurn.stats.connected, 0);
    assert.deepEqual(afterChurn.channels, {});
    assert.equal(afterChurn.streams.open, 0);
    assert.equal(afterChurn.streams.dropped, 0);
    const kinds = (r: DemoReport) => ({ ...r.resources });
    assert.deepEqual(
      kinds(afterChurn),
      kinds(before),
      'active handles and timers',
    );
    assert.deepEqual(afterChurn.listeners, before.listeners, 'listener counts');
    assert.deepEqual(afterChurn.warnings, [], 'process warnings');
    // The per-address counts went back to zero: one address can again open
    // exactly PER_IP streams, and the next one is refused.
    const held: RawStream[] = [];
    try {
      for (let i = 0; i < PER_IP; i++) {
        held.push(await RawStream.open(demo.url, '/sse/broadcast'));
      }
      await Promise.all(held.map((s) => s.connected));
      const refused = await http('GET', `${demo.url}/sse/broadcast`, {
        headers: { connection: 'close' },
      });
      assert.equal(refused.status, 429);
    } finally {
      for (const s of held) s.destroy();
    }

    const growth = afterChurn.heapUsed - before.heapUsed;
    console.log(
      `# churn: ${CYCLES} cycles in ${Math.round(elapsed)} ms (${Math.round(CYCLES / (elapsed / 1000))}/s); heap ${(before.heapUsed / MB).toFixed(1)} -> ${(afterChurn.heapUsed / MB).toFixed(1)} MiB (${growth >= 0 ? '+' : ''}${(growth / 1024).toFixed(0)} KiB, bound ${HEAP_BOUND / MB} MiB); RSS ${(before.rss / MB).toFixed(0)} -> ${(afterChurn.rss / MB).toFixed(0)} MiB; resources ${JSON.stringify(afterChurn.resources)}`,
    );
    assert.ok(afterChurn.collected, 'the heap was measured after a full GC');
    assert.ok(growth < HEAP_BOUND, `heap grew ${(growth / MB).toFixed(2)} MiB`);
  });
});

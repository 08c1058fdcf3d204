import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startDemo } from '../support/demo-server.js';
import { startDemoProcess, stopDemoProcess } from '../support/demo-process.js';
import { RecordingEventSource } from '../support/event-source.js';
import { http, postBroadcast } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';

/** Fails (instead of hanging the suite) when `promise` takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not finish within ${ms} ms`)),
        ms,
      );
    }),
  ]);
}

/** Opens broadcast, channel and ticks streams and waits until each is live. */
async function openStreams(url: string) {
  const readers = await Promise.all(
    [
      '/sse/broadcast',
      '/sse/broadcast?channel=a,b',
      '/sse?count=1000&intervalMs=60000',
      '/sse?count=1000&intervalMs=10',
    ].map((path) => SseReader.open(`${url}${path}`)),
  );
  await Promise.all(readers.map((r) => r.find((e) => e.event === 'connected')));
  return readers;
}

describe('shutdown with open streams', () => {
  it('app.close() ends every open stream promptly instead of hanging', async () => {
    const demo = await startDemo({ keepAliveSeconds: 1 });
    const readers = await openStreams(demo.url);
    const source = new RecordingEventSource(`${demo.url}/sse/broadcast`, [
      'connected',
    ]);
    try {
      await waitFor(() => source.named('connected').length === 1);
      await postBroadcast(demo.url, { data: 'before close' });
      await within(demo.close(), 5000, 'app.close()');
      await waitFor(
        () => readers.every((r) => r.ended),
        2000,
        'every stream to end',
      );
      // EventSource sees the end and tries to reconnect: nothing answers any more.
      await waitFor(() => source.errors > 0, 5000, 'the EventSource to notice');
      assert.equal(source.named('connected').length, 1);
      const refused = await http('GET', `${demo.url}/api/clients`).then(
        () => false,
        () => true,
      );
      assert.equal(refused, true, 'the server no longer listens');
    } finally {
      source.close();
      for (const reader of readers) reader.close();
    }
  });

  it('SIGTERM (shutdown hooks) ends every open stream and the process exits', async () => {
    const demo = await startDemoProcess({
      env: { SSE_KEEPALIVE_SECONDS: '1' },
    });
    let readers: SseReader[] = [];
    try {
      readers = await openStreams(demo.url);
      const source = new RecordingEventSource(`${demo.url}/sse/broadcast`, [
        'connected',
      ]);
      try {
        await waitFor(() => source.named('connected').length === 1);
        assert.equal(
          (await http('GET', `${demo.url}/api/clients`)).json.connected,
          3,
        );
        demo.kill('SIGTERM');
        const exit = await within(
          demo.exited,
          10_000,
          'the process after SIGTERM',
        );
        assert.ok(
          exit.code === 0 || exit.signal === 'SIGTERM',
          `exit ${JSON.stringify(exit)}\n${demo.output()}`,
        );
        await waitFor(
          () => readers.every((r) => r.ended),
          2000,
          'every stream to end',
        );
        assert.doesNotMatch(demo.output(), /Error|ERROR/, demo.output());
      } finally {
        source.close();
      }
    } finally {
      for (const reader of readers) reader.close();
      await stopDemoProcess(demo);
    }
  });
});

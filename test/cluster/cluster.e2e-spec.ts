import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { demoConfigFromEnv } from '../../demo/demo-config.js';
import type { DemoProcess } from '../support/demo-process.js';
import { startDemoProcess, stopDemoProcess } from '../support/demo-process.js';
import { http, postBroadcast } from '../support/http.js';
import { ROOT } from '../support/paths.js';
import { RedisServer } from '../support/redis-server.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';

const WORKERS = 3;

/** The events after `connected`, as [event, id, data]. */
const received = (reader: SseReader) =>
  reader.events
    .filter((e) => e.event !== 'connected')
    .map((e) => [e.event, e.id, e.data]);

describe('the demo with WORKERS=3: one port, three processes over Redis', () => {
  let redis: RedisServer;
  let demo: DemoProcess;
  /** One stream per worker, by the worker's id. */
  const onWorker = new Map<string, SseReader>();
  const extra: SseReader[] = [];

  const count = async () => (await http('GET', `${demo.url}/api/clients`)).json;

  before(async () => {
    redis = await RedisServer.start();
    // Three Nest apps booting at once take a while on a busy machine.
    demo = await startDemoProcess({
      env: {
        WORKERS: String(WORKERS),
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: 'cluster:',
      },
      startTimeoutMs: 60_000,
    });
    await waitFor(
      () => demo.output().includes(`${WORKERS} workers listening`),
      60_000,
      'every worker to listen',
    );
    // The primary hands connections out round-robin; bounded anyway.
    for (let n = 0; n < 10 * WORKERS && onWorker.size < WORKERS; n++) {
      const reader = await SseReader.open(`${demo.url}/sse/broadcast`);
      assert.equal(reader.status, 200);
      await reader.take(1);
      const worker = String(reader.headers['x-demo-worker']);
      if (onWorker.has(worker)) extra.push(reader);
      else onWorker.set(worker, reader);
    }
    for (const reader of extra.splice(0)) reader.close();
  });
  after(async () => {
    for (const reader of [...onWorker.values(), ...extra]) reader.close();
    if (demo) await stopDemoProcess(demo);
    await redis?.stop('SIGTERM');
  });

  it('serves from every worker', () => {
    assert.equal(onWorker.size, WORKERS, [...onWorker.keys()].join(','));
  });

  it('delivers every broadcast to a client on each worker, in order, with the same ids', async () => {
    const answers = [];
    // Publishes go through the shared port too, so they land on any worker.
    for (let n = 0; n < 30; n++) {
      const answer = await postBroadcast(demo.url, { event: 'n', data: n });
      assert.equal(answer.status, 202);
      answers.push(answer.json);
    }
    const expected = answers.map((a, n) => ['n', a.id, String(n)]);
    for (const [worker, reader] of onWorker) {
      await reader.take(1 + answers.length, 10_000);
      assert.deepEqual(received(reader), expected, `worker ${worker}`);
    }
  });

  it('counts the clients of the whole cluster on /api/clients', async () => {
    const news = await SseReader.open(`${demo.url}/sse/broadcast?channel=news`);
    extra.push(news);
    await news.take(1);
    await waitFor(
      async () => (await count()).connected === WORKERS + 1,
      10_000,
      `${WORKERS + 1} clients counted`,
    );
    const everywhere = await count();
    assert.deepEqual(
      { ...everywhere, instance: undefined },
      {
        connected: WORKERS + 1,
        channels: { news: 1 },
        users: 0,
        instance: undefined,
      },
    );
    // The worker that answered counts its own streams only.
    assert.ok(everywhere.instance.connected < WORKERS + 1);
    news.close();
    await waitFor(
      async () => (await count()).connected === WORKERS,
      10_000,
      `${WORKERS} clients counted after one left`,
    );
  });

  it('ends the streams of every worker when the primary is stopped', async () => {
    // The primary alone gets SIGTERM, not its group: it must pass it on.
    demo.child.kill('SIGTERM');
    for (const [worker, reader] of onWorker) {
      await reader.until(() => reader.ended, 10_000, `worker ${worker} to end`);
      // The closing `retry:` (the first came with `connected`): closed, not killed.
      assert.ok((reader.raw.match(/^retry: /gm) ?? []).length >= 2, reader.raw);
    }
    const { code, signal } = await demo.exited;
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
  });
});

/** Whether `pid` runs (not gone, not a zombie left to a parent that does not reap). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return (
      stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
    );
  } catch {
    return false;
  }
}

describe('the demo with WORKERS=2 whose primary is killed', () => {
  let redis: RedisServer;
  let demo: DemoProcess;
  const readers = new Map<string, SseReader>();

  before(async () => {
    redis = await RedisServer.start();
    demo = await startDemoProcess({
      env: { WORKERS: '2', REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'orphan:' },
      startTimeoutMs: 60_000,
    });
    await waitFor(
      () => demo.output().includes('2 workers listening'),
      60_000,
      'both workers to listen',
    );
    for (let n = 0; n < 20 && readers.size < 2; n++) {
      const reader = await SseReader.open(`${demo.url}/sse/broadcast`);
      await reader.take(1);
      const worker = String(reader.headers['x-demo-worker']);
      if (readers.has(worker)) reader.close();
      else readers.set(worker, reader);
    }
  });
  after(async () => {
    for (const reader of readers.values()) reader.close();
    // Whatever is left of the group.
    if (demo) demo.kill('SIGKILL');
    await redis?.stop('SIGTERM');
  });

  it('ends the streams of its workers, which then exit without an error', async () => {
    assert.equal(readers.size, 2);
    const workers = readFileSync(
      `/proc/${demo.pid}/task/${demo.pid}/children`,
      'utf8',
    )
      .trim()
      .split(/\s+/)
      .map(Number);
    assert.equal(workers.length, 2);
    // The primary alone, and no chance to tell its workers.
    demo.child.kill('SIGKILL');
    for (const [worker, reader] of readers) {
      await reader.until(() => reader.ended, 15_000, `worker ${worker} to end`);
      // The closing `retry:` (the first came with `connected`): closed, not cut.
      assert.ok((reader.raw.match(/^retry: /gm) ?? []).length >= 2, reader.raw);
    }
    await waitFor(
      () => !workers.some(isRunning),
      15_000,
      'the workers to exit',
    );
    assert.doesNotMatch(demo.output(), /EPIPE|Unhandled 'error'|ERR_IPC/);
  });
});

describe('WORKERS without REDIS_URL', () => {
  it('is refused when reading the environment', () => {
    assert.equal(demoConfigFromEnv({}).workers, 1);
    assert.equal(
      demoConfigFromEnv({ WORKERS: '4', REDIS_URL: 'redis://x' }).workers,
      4,
    );
    assert.throws(
      () => demoConfigFromEnv({ WORKERS: '2' }),
      /WORKERS=2 needs REDIS_URL/,
    );
    for (const value of ['0', '1.5', 'many']) {
      assert.throws(() => demoConfigFromEnv({ WORKERS: value }), /WORKERS/);
    }
  });

  it('makes the demo exit at start with that message', () => {
    const result = spawnSync(process.execPath, ['dist/demo/main.js'], {
      cwd: ROOT,
      env: { ...process.env, WORKERS: '2', REDIS_URL: '', PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr + result.stdout, /WORKERS=2 needs REDIS_URL/);
  });
});

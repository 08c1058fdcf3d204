import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import type { HttpAnswer } from '../support/http.js';
import { postBroadcast } from '../support/http.js';
import { freePort } from '../support/free-port.js';
import { RedisServer } from '../support/redis-server.js';
import { DemosOnRedis } from '../support/demos-on-redis.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';

describe('Redis transport: redis-server killed and restarted mid-test', () => {
  let demos: DemosOnRedis;
  let redis: RedisServer;
  let a: RunningDemo;
  let b: RunningDemo;
  let readers: SseReader[];

  before(async () => {
    const config = { redisKeyPrefix: 'outage:' };
    demos = await DemosOnRedis.start(config, config);
    ({
      redis,
      readers,
      apps: [a, b],
    } = demos);
  });
  after(() => demos?.close());

  it('answers 503 while Redis is down, then resumes without restarting the app', async () => {
    const onA = await SseReader.open(`${a.url}/sse/broadcast`);
    const onB = await SseReader.open(`${b.url}/sse/broadcast`);
    readers.push(onA, onB);
    const before = await postBroadcast(b.url, { event: 'before', data: 1 });
    assert.equal(before.status, 202);
    await onA.take(2);
    await onB.take(2);

    await redis.stop();
    const during = await postBroadcast(b.url, { event: 'lost', data: 2 });
    assert.equal(during.status, 503, during.text);
    assert.equal(during.json.statusCode, 503);
    assert.match(during.json.message, /transport is unavailable.*Redis/);
    assert.equal(
      (await postBroadcast(a.url, { event: 'lost', data: 3 })).status,
      503,
    );
    // Reconnecting meanwhile: the stream opens, then fails so EventSource retries.
    const early = await SseReader.open(`${a.url}/sse/broadcast`, {
      'last-event-id': before.json.id,
    });
    readers.push(early);
    assert.equal(early.status, 200);
    await early.until(() => early.ended, 10_000, 'the stream to end');
    assert.deepEqual(
      early.events.map((e) => e.event),
      ['connected', 'stream-error'],
    );
    assert.equal(onA.ended, false, 'streams on A stay open');
    assert.equal(onB.ended, false, 'streams on B stay open');

    await redis.restart();
    let after: HttpAnswer | undefined;
    await waitFor(
      async () => {
        after = await postBroadcast(b.url, { event: 'after', data: 4 });
        if (after.status !== 202) assert.equal(after.status, 503);
        return after.status === 202;
      },
      15_000,
      'publishing to work again',
    );

    // Redis came back empty: both instances say events may be missing, then deliver.
    for (const reader of [onA, onB]) {
      const event = await reader.find((e) => e.event === 'after', 10_000);
      assert.equal(event.id, after!.json.id);
      const names = reader.events.map((e) => e.event);
      assert.deepEqual(names, ['connected', 'before', 'history-gap', 'after']);
      const notice = reader.events[2];
      assert.equal(
        notice.id,
        before.json.id,
        'the notice keeps the position at the last event delivered',
      );
      const gap = JSON.parse(notice.data);
      assert.deepEqual(
        { lastEventId: gap.lastEventId, reason: gap.reason },
        { lastEventId: before.json.id, reason: 'expired' },
      );
      // 1 when the instance read `after` from history while resubscribing.
      assert.ok([0, 1].includes(gap.replayed), `replayed ${gap.replayed}`);
      assert.equal(reader.ended, false);
    }

    // A client coming back with an id from before the outage: expired, then what is kept.
    const back = await SseReader.open(`${a.url}/sse/broadcast`, {
      'last-event-id': before.json.id,
    });
    readers.push(back);
    const [, notice, replayed] = await back.take(3);
    assert.equal(notice.event, 'history-gap');
    assert.equal(JSON.parse(notice.data).reason, 'expired');
    assert.deepEqual([replayed.event, replayed.id], ['after', after!.json.id]);
  });
});

describe('Redis transport: subscriptions cut while Redis stays up', () => {
  let demos: DemosOnRedis;
  let a: RunningDemo;
  let b: RunningDemo;
  let probe: Redis;
  let readers: SseReader[];

  before(async () => {
    const config = { redisKeyPrefix: 'cut:' };
    demos = await DemosOnRedis.start(config, config);
    ({
      readers,
      apps: [a, b],
    } = demos);
    probe = new Redis(demos.redis.url);
  });
  after(async () => {
    probe?.disconnect();
    await demos?.close();
  });

  it('catches up from history: every accepted event arrives once, in order, without a gap notice', async () => {
    const onA = await SseReader.open(`${a.url}/sse/broadcast`);
    readers.push(onA);
    await onA.take(1);
    const first = await postBroadcast(b.url, { event: 'n', data: -1 });
    assert.equal(first.status, 202);
    await onA.take(2);

    const killed = await probe.client('KILL', 'TYPE', 'pubsub');
    assert.equal(killed, 2, 'the subscribers of A and B');
    const accepted: string[] = [first.json.id];
    for (let n = 0; n < 20; n++) {
      const answer = await postBroadcast(b.url, { event: 'n', data: n });
      // B refuses while its own subscriber reconnects; nothing is half-sent.
      if (answer.status === 503) continue;
      assert.equal(answer.status, 202, answer.text);
      accepted.push(answer.json.id);
    }
    await waitFor(
      async () => {
        const answer = await postBroadcast(b.url, { event: 'n', data: 99 });
        if (answer.status === 202) accepted.push(answer.json.id);
        return answer.status === 202;
      },
      10_000,
      'B to publish again',
    );
    await onA.take(1 + accepted.length, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(
      onA.events.slice(1).map((e) => e.id),
      accepted,
    );
    assert.equal(onA.ended, false);
  });
});

describe('Redis transport: startup and shutdown', () => {
  it('fails startup with a clear error when Redis is not there', async () => {
    const port = await freePort();
    const started = Date.now();
    await assert.rejects(
      startDemo({ redisUrl: `redis://127.0.0.1:${port}` }),
      (err: Error) => {
        assert.match(
          err.message,
          new RegExp(`Could not connect to Redis at redis://127.0.0.1:${port}`),
        );
        assert.match(err.message, /ECONNREFUSED/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 30_000, 'bounded');
  });

  it('closes its Redis connections when the app closes, with streams open', async () => {
    const redis = await RedisServer.start();
    const probe = new Redis(redis.url, { lazyConnect: true });
    try {
      await probe.connect();
      const connections = async () =>
        String(await probe.client('LIST'))
          .trim()
          .split('\n').length;
      const alone = await connections();
      const demo = await startDemo({ redisUrl: redis.url });
      assert.equal(await connections(), alone + 2, 'commands + subscriber');
      const reader = await SseReader.open(`${demo.url}/sse/broadcast`);
      await reader.take(1);
      await demo.close();
      await reader.until(() => reader.ended, 5000, 'the stream to end');
      await waitFor(
        async () => (await connections()) === alone,
        5000,
        'the transport to quit',
      );
    } finally {
      probe.disconnect();
      await redis.stop('SIGTERM');
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningDemo } from '../support/demo-server.js';
import { postBroadcast } from '../support/http.js';
import { DemosOnRedis } from '../support/demos-on-redis.js';
import { SseReader } from '../support/sse-reader.js';

describe('Redis transport: replay on whichever instance a client lands', () => {
  let demos: DemosOnRedis;
  let a: RunningDemo;
  let b: RunningDemo;
  let readers: SseReader[];
  const open = async (url: string, lastEventId?: string) => {
    const reader = await SseReader.open(
      url,
      lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
    );
    readers.push(reader);
    assert.equal(reader.status, 200);
    return reader;
  };
  const publish = async (base: string, body: object) => {
    const answer = await postBroadcast(base, body);
    assert.equal(answer.status, 202, answer.text);
    return answer.json.id as string;
  };

  before(async () => {
    const config = { redisKeyPrefix: 'replay:' };
    demos = await DemosOnRedis.start(config, config);
    ({
      readers,
      apps: [a, b],
    } = demos);
  });
  after(() => demos?.close());

  it('gives a client that moves from A to B exactly what it missed', async () => {
    const onA = await open(`${a.url}/sse/broadcast?channel=news`);
    const seen = await publish(b.url, { event: 'first', data: 1 });
    await onA.take(2);
    assert.equal(onA.events[1].id, seen);
    onA.close();

    const missed = [
      await publish(a.url, { event: 'second', data: 2 }),
      await publish(b.url, { event: 'third', data: 3, channel: 'news' }),
      await publish(a.url, { event: 'other', data: 4, channel: 'sport' }),
      await publish(b.url, { event: 'fourth', data: 5 }),
    ];
    const onB = await open(`${b.url}/sse/broadcast?channel=news`, seen);
    const events = await onB.take(4);
    assert.deepEqual(
      events.slice(1).map((e) => [e.event, e.id]),
      [
        ['second', missed[0]],
        ['third', missed[1]],
        ['fourth', missed[3]],
      ],
    );

    // Live events follow the replay, once each.
    const live = await publish(a.url, { event: 'live', data: 6 });
    await onB.take(5);
    assert.deepEqual(
      onB.events.slice(4).map((e) => [e.event, e.id]),
      [['live', live]],
    );
  });

  it('replays nothing, without a gap, to a client that is up to date', async () => {
    const latest = await publish(a.url, { event: 'latest', data: 0 });
    const onB = await open(`${b.url}/sse/broadcast`, latest);
    await onB.take(1);
    const marker = await publish(b.url, { event: 'marker', data: 0 });
    await onB.take(2);
    assert.deepEqual(
      onB.events.map((e) => [e.event, e.id]),
      [
        ['connected', latest],
        ['marker', marker],
      ],
    );
  });

  it('reports an id that was never issued as unknown and replays nothing', async () => {
    const reader = await open(`${b.url}/sse/broadcast`, 'no-such-id');
    const [, notice] = await reader.take(2);
    assert.equal(notice.event, 'history-gap');
    assert.deepEqual(JSON.parse(notice.data), {
      lastEventId: 'no-such-id',
      reason: 'unknown',
      replayed: 0,
    });
  });
});

describe('Redis transport: a replay window smaller than what was published', () => {
  let demos: DemosOnRedis;
  let a: RunningDemo;
  let b: RunningDemo;
  let readers: SseReader[];

  before(async () => {
    const config = { redisKeyPrefix: 'window:', historySize: 5 };
    demos = await DemosOnRedis.start(config, config);
    ({
      readers,
      apps: [a, b],
    } = demos);
  });
  after(() => demos?.close());

  it('marks an id that fell out of history as expired and replays all it kept', async () => {
    // MAXLEN ~ trims whole stream nodes (100 entries): publish well past one.
    const ids: string[] = [];
    for (let n = 0; n < 250; n++) {
      const answer = await postBroadcast(n % 2 ? a.url : b.url, {
        event: 'tick',
        data: n,
      });
      assert.equal(answer.status, 202);
      ids.push(answer.json.id);
    }
    const reader = await SseReader.open(`${a.url}/sse/broadcast`, {
      'last-event-id': ids[0],
    });
    readers.push(reader);
    const [, notice] = await reader.take(2);
    assert.equal(notice.event, 'history-gap');
    const gap = JSON.parse(notice.data);
    assert.equal(gap.reason, 'expired');
    assert.ok(
      gap.replayed >= 5 && gap.replayed < 249,
      `kept at least the window, not everything: ${gap.replayed}`,
    );
    const replayed = await reader.take(2 + gap.replayed);
    assert.deepEqual(
      replayed.slice(2).map((e) => e.id),
      ids.slice(ids.length - gap.replayed),
      'the newest events, in order',
    );
  });
});

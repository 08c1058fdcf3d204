import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningDemo } from '../support/demo-server.js';
import { http, postBroadcast } from '../support/http.js';
import { DemosOnRedis } from '../support/demos-on-redis.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';

/** The events after `connected`, as [event, id, data]. */
const received = (reader: SseReader) =>
  reader.events
    .filter((e) => e.event !== 'connected')
    .map((e) => [e.event, e.id, e.data]);

describe('Redis transport: two instances on one Redis', () => {
  let demos: DemosOnRedis;
  let a: RunningDemo;
  let b: RunningDemo;
  let readers: SseReader[];
  const open = async (url: string) => {
    const reader = await SseReader.open(url);
    readers.push(reader);
    assert.equal(reader.status, 200);
    await reader.take(1);
    return reader;
  };

  before(async () => {
    const config = { redisKeyPrefix: 'fan-out:' };
    demos = await DemosOnRedis.start(config, config);
    ({
      readers,
      apps: [a, b],
    } = demos);
  });
  after(() => demos?.close());

  it('delivers an event published on B to a client on A, with the same id on both', async () => {
    const onA = await open(`${a.url}/sse/broadcast`);
    const onB = await open(`${b.url}/sse/broadcast`);
    const answer = await postBroadcast(b.url, {
      event: 'greeting',
      data: { hello: 'from B' },
    });
    assert.equal(answer.status, 202);
    assert.match(answer.json.id, /^\d+$/);
    const fromA = await onA.take(2);
    const fromB = await onB.take(2);
    assert.deepEqual(
      [fromA[1].event, fromA[1].id, JSON.parse(fromA[1].data)],
      ['greeting', answer.json.id, { hello: 'from B' }],
    );
    assert.deepEqual(fromB[1], fromA[1]);
  });

  it('keeps one order on every instance when both publish at once', async () => {
    const onA = await open(`${a.url}/sse/broadcast`);
    const onB = await open(`${b.url}/sse/broadcast`);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        postBroadcast(n % 2 ? a.url : b.url, { event: 'burst', data: n }),
      ),
    );
    assert.deepEqual(
      answers.map((r) => r.status),
      answers.map(() => 202),
    );
    await onA.take(41);
    await onB.take(41);
    assert.deepEqual(received(onA), received(onB));
    const ids = received(onA).map(([, id]) => BigInt(id!));
    assert.deepEqual(
      ids,
      [...ids].sort((x, y) => (x < y ? -1 : 1)),
      'ids increase',
    );
    assert.deepEqual(
      new Set(ids.map(String)),
      new Set(answers.map((r) => r.json.id)),
    );
  });

  it('keeps channels apart across instances', async () => {
    const news = await open(`${a.url}/sse/broadcast?channel=news`);
    const sport = await open(`${b.url}/sse/broadcast?channel=sport`);
    const everyone = await open(`${a.url}/sse/broadcast`);
    assert.equal(
      (await postBroadcast(b.url, { event: 'n', data: 1, channel: 'news' }))
        .status,
      202,
    );
    assert.equal(
      (await postBroadcast(a.url, { event: 's', data: 2, channel: 'sport' }))
        .status,
      202,
    );
    assert.equal(
      (await postBroadcast(b.url, { event: 'all', data: 3 })).status,
      202,
    );
    await news.take(3);
    await sport.take(3);
    await everyone.take(2);
    assert.deepEqual(
      received(news).map(([event]) => event),
      ['n', 'all'],
    );
    assert.deepEqual(
      received(sport).map(([event]) => event),
      ['s', 'all'],
    );
    assert.deepEqual(
      received(everyone).map(([event]) => event),
      ['all'],
    );
  });

  it('counts the clients of both instances, and each instance its own', async () => {
    for (const reader of readers.splice(0)) reader.close();
    const first = await open(`${a.url}/sse/broadcast?channel=news`);
    await open(`${a.url}/sse/broadcast`);
    await open(`${b.url}/sse/broadcast`);
    const countOf = async (base: string) =>
      (await http('GET', `${base}/api/clients`)).json;
    await waitFor(
      async () =>
        (await countOf(a.url)).connected === 3 &&
        (await countOf(b.url)).connected === 3,
      5000,
      'both instances to count 3 streams',
    );
    assert.deepEqual(await countOf(a.url), {
      connected: 3,
      channels: { news: 1 },
      users: 0,
      instance: { connected: 2, channels: { news: 1 }, users: 0 },
    });
    assert.equal((await countOf(b.url)).instance.connected, 1);
    first.close();
  });
});

describe('Redis transport: two apps with different key prefixes on one Redis', () => {
  let demos: DemosOnRedis;
  let shop: RunningDemo;
  let blog: RunningDemo;
  let readers: SseReader[];

  before(async () => {
    demos = await DemosOnRedis.start(
      { redisKeyPrefix: 'shop:' },
      { redisKeyPrefix: 'blog:' },
    );
    ({
      readers,
      apps: [shop, blog],
    } = demos);
  });
  after(() => demos?.close());

  it('never delivers or replays one app’s events to the other', async () => {
    const shopReader = await SseReader.open(`${shop.url}/sse/broadcast`);
    const blogReader = await SseReader.open(`${blog.url}/sse/broadcast`);
    readers.push(shopReader, blogReader);
    await shopReader.take(1);
    await blogReader.take(1);
    const sale = await postBroadcast(shop.url, { event: 'sale', data: 1 });
    const post = await postBroadcast(blog.url, { event: 'post', data: 2 });
    assert.equal(sale.status, 202);
    assert.equal(post.status, 202);
    await shopReader.take(2);
    await blogReader.take(2);
    // A marker published after both: once it arrived, nothing else is coming.
    await postBroadcast(shop.url, { event: 'marker', data: 0 });
    await shopReader.take(3);
    assert.deepEqual(
      received(shopReader).map(([event]) => event),
      ['sale', 'marker'],
    );
    assert.deepEqual(
      received(blogReader).map(([event]) => event),
      ['post'],
    );

    // The shop's id is not in the blog's history.
    const replayOnBlog = await SseReader.open(`${blog.url}/sse/broadcast`, {
      'last-event-id': sale.json.id,
    });
    readers.push(replayOnBlog);
    const [, notice] = await replayOnBlog.take(2);
    assert.equal(notice.event, 'history-gap');
    assert.equal(JSON.parse(notice.data).lastEventId, sale.json.id);
    assert.ok(
      !replayOnBlog.events.some((e) => e.event === 'sale'),
      'no shop event on the blog',
    );
  });
});

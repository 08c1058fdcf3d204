import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startDemo } from '../support/demo-server.js';
import { DemosOnRedis } from '../support/demos-on-redis.js';
import { http, postBroadcast } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';
import { startNestSseFixture } from '../nest-sse/nest-sse.app.js';
import { startAdoptionFixture } from '../nest-sse-adoption/adoption.app.js';
import { ReadmeFeedModule } from '../openapi/readme-feed.app.js';
import type { TestApp } from '../support/test-app.js';
import { startTestApp } from '../support/test-app.js';
import { BroadcastService } from '../../src/index.js';

/** How one app publishes, and where its stream is. */
interface Target {
  stream: string;
  publish(body: { event: string; data: unknown }): Promise<string>;
}

const demoTarget = (url: string): Target => ({
  stream: `${url}/sse/broadcast`,
  publish: async (body) => {
    const answer = await postBroadcast(url, body);
    assert.equal(answer.status, 202, answer.text);
    return answer.json.id as string;
  },
});

/** A stream of `app` at `path`, published to through its BroadcastService. */
const serviceTarget = ({ app, url }: TestApp, path: string): Target => ({
  stream: `${url}${path}`,
  publish: (body) => app.get(BroadcastService).publish(body),
});

/**
 * Connect, drop, publish, reconnect with the id the first frame carried:
 * the event published while away arrives, and no history-gap.
 */
async function dropAndReconnect(first: Target, second: Target = first) {
  const reader = await SseReader.open(first.stream);
  const connected = await reader.find((e) => e.event === 'connected');
  reader.close();
  assert.ok(connected.id, 'the first frame carries an id');
  const missed = await first.publish({ event: 'missed', data: 1 });
  const again = await SseReader.open(second.stream, {
    'last-event-id': connected.id,
  });
  try {
    const got = await again.find((e) => e.event === 'missed', 3000);
    assert.equal(got.id, missed);
    const marker = await second.publish({ event: 'marker', data: 2 });
    await again.find((e) => e.id === marker, 3000);
    assert.deepEqual(
      again.events.map((e) => e.event),
      ['connected', 'missed', 'marker'],
      'no history-gap, nothing twice',
    );
  } finally {
    again.close();
  }
}

describe('every stream starts at a position from which nothing is missed', () => {
  it('the demo (@Sse() served by the library), on a process that has not published yet', async () => {
    const demo = await startDemo();
    try {
      await dropAndReconnect(demoTarget(demo.url));
    } finally {
      await demo.close();
    }
  });

  it('the demo, after events were published (the position is the last one)', async () => {
    const demo = await startDemo();
    try {
      const target = demoTarget(demo.url);
      await target.publish({ event: 'earlier', data: 0 });
      await dropAndReconnect(target);
    } finally {
      await demo.close();
    }
  });

  it("@SseRoute() (the README's controller), on a process that has not published yet", async () => {
    const running = await startTestApp(ReadmeFeedModule);
    try {
      await dropAndReconnect(serviceTarget(running, '/feed'));
    } finally {
      await running.app.close();
    }
  });

  it("Nest's own @Sse() path (adoptNestSse: false), on a process that has not published yet", async () => {
    const running = await startAdoptionFixture('none');
    try {
      await dropAndReconnect(serviceTarget(running, '/resume'));
    } finally {
      await running.app.close();
    }
  });

  it("Nest's @Sse() with SseModule.forRootAsync(), on a process that has not published yet", async () => {
    const { app, url } = await startNestSseFixture();
    try {
      await dropAndReconnect({
        stream: `${url}/events`,
        publish: async (body) => {
          const answer = await http('POST', `${url}/publish`, { body });
          assert.equal(answer.status, 202, answer.text);
          return answer.json.id as string;
        },
      });
    } finally {
      await app.close();
    }
  });

  it('Redis: an instance started after another one published, and moving between instances', async () => {
    const demos = await DemosOnRedis.start({ redisKeyPrefix: 'head:' });
    try {
      const [a] = demos.apps;
      await demoTarget(a.url).publish({ event: 'before-b', data: 0 });
      const b = await startDemo({
        redisUrl: demos.redis.url,
        redisKeyPrefix: 'head:',
      });
      demos.apps.push(b);
      await dropAndReconnect(demoTarget(b.url));
      await dropAndReconnect(demoTarget(b.url), demoTarget(a.url));
    } finally {
      await demos.close();
    }
  });

  it('Redis: on an empty Redis, before anything was ever published', async () => {
    const demos = await DemosOnRedis.start(
      { redisKeyPrefix: 'empty:' },
      { redisKeyPrefix: 'empty:' },
    );
    try {
      const [a, b] = demos.apps;
      await dropAndReconnect(demoTarget(a.url), demoTarget(b.url));
    } finally {
      await demos.close();
    }
  });
});

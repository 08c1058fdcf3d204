import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { UserPresenceChange } from '../../src/index.js';
import { SsePresence, SseTransport } from '../../src/index.js';
import type { DemoProcess } from '../support/demo-process.js';
import { startDemoProcess, stopDemoProcess } from '../support/demo-process.js';
import type { RunningDemo } from '../support/demo-server.js';
import { DemosOnRedis } from '../support/demos-on-redis.js';
import { http } from '../support/http.js';
import { waitFor } from '../support/wait.js';
import {
  SECRET,
  Streams,
  bearer,
  dataOf,
  publish,
  startOf,
  tokenOf,
  upToFence,
} from './user-streams.js';

/** Short, so that a killed instance drops out within the test's bounds. */
const PRESENCE_TTL_MS = 1500;
const PREFIX = 'users:';
/** How soon a change must show in every instance's counts. */
const AGREE_MS = 2000;

const countsOf = async (base: string) =>
  (await http('GET', `${base}/api/clients`)).json as {
    connected: number;
    channels: Record<string, number>;
    users: number;
    instance: { connected: number; users: number };
  };

describe('users across two instances on one Redis', () => {
  let demos: DemosOnRedis;
  let a: RunningDemo;
  let b: RunningDemo;
  const streams = new Streams();
  const alice = bearer(tokenOf('alice'));
  const bob = bearer(tokenOf('bob'));
  const changes: UserPresenceChange[] = [];

  /** Waits until both instances report `expected` (top-level figures). */
  const bothCount = (expected: { connected: number; users: number }) =>
    waitFor(
      async () => {
        for (const base of [a.url, b.url]) {
          const { connected, users } = await countsOf(base);
          if (connected !== expected.connected || users !== expected.users) {
            return false;
          }
        }
        return true;
      },
      AGREE_MS,
      `both instances to count ${JSON.stringify(expected)}`,
    );

  before(async () => {
    const config = {
      jwtSecret: SECRET,
      redisKeyPrefix: PREFIX,
      presenceTtlMs: PRESENCE_TTL_MS,
    };
    demos = await DemosOnRedis.start(config, config);
    [a, b] = demos.apps;
    a.app.get(SsePresence).userChanges$.subscribe((c) => changes.push(c));
  });
  after(async () => {
    streams.closeAll();
    await demos?.close();
  });

  /** alice: two tabs on each instance; bob on A; an anonymous stream on B. */
  async function openAll() {
    const aliceStreams = [
      await streams.open(`${a.url}/sse/user`, alice),
      await streams.open(`${a.url}/sse/user`, alice),
      await streams.open(`${b.url}/sse/user`, alice),
      await streams.open(`${b.url}/sse/user`, alice),
    ];
    const bobStream = await streams.open(`${a.url}/sse/user`, bob);
    const anonymous = await streams.open(`${b.url}/sse/broadcast`);
    return { aliceStreams, bobStream, anonymous };
  }

  it('delivers a user event to each of alice’s four streams on both instances exactly once, nothing to bob or anonymous, and replays it on her reconnect', async () => {
    const { aliceStreams, bobStream, anonymous } = await openAll();
    const start = startOf(aliceStreams[2]);
    try {
      await bothCount({ connected: 6, users: 2 });
      const sent = await publish(a.url, {
        event: 'dm',
        data: 'for alice everywhere',
        user: 'alice',
      });
      assert.equal(sent.status, 202);
      assert.equal(sent.json.connected, 4);
      const got = await upToFence(b.url, [
        ...aliceStreams,
        bobStream,
        anonymous,
      ]);
      for (const events of got.slice(0, 4)) {
        assert.deepEqual(dataOf(events, 'dm'), ['for alice everywhere']);
        assert.equal(events.find((e) => e.event === 'dm')!.id, sent.json.id);
      }
      assert.deepEqual(dataOf(got[4], 'dm'), []);
      assert.deepEqual(dataOf(got[5], 'dm'), []);

      // The transport's own replay (Redis filters, not only the service).
      const transport = b.app.get(SseTransport);
      const idsFor = async (user?: string) =>
        (await transport.replay(start, [], user)).events.map((e) => e.id);
      assert.ok((await idsFor('alice')).includes(sent.json.id));
      assert.ok(!(await idsFor('bob')).includes(sent.json.id));
      assert.ok(!(await idsFor()).includes(sent.json.id));

      // Her tab on B drops and reconnects to A with its Last-Event-ID.
      aliceStreams[2].close();
      const back = await streams.open(`${a.url}/sse/user`, {
        ...alice,
        'last-event-id': start,
      });
      const replayed = await back.find((e) => e.event === 'dm');
      assert.equal(replayed.id, sent.json.id);
      // Bob, reconnecting from the same position, does not get it.
      const bobBack = await streams.open(`${b.url}/sse/user`, {
        ...bob,
        'last-event-id': start,
      });
      await bobBack.find((e) => e.event === 'fence');
      assert.deepEqual(dataOf(bobBack.events, 'dm'), []);
    } finally {
      streams.closeAll();
    }
  });

  it('sends "everyone except alice" to every other stream of both instances', async () => {
    const { aliceStreams, bobStream, anonymous } = await openAll();
    try {
      const sent = await publish(b.url, {
        event: 'others',
        data: 'not alice',
        exceptUser: 'alice',
      });
      assert.equal(sent.status, 202);
      const got = await upToFence(a.url, [
        ...aliceStreams,
        bobStream,
        anonymous,
      ]);
      assert.deepEqual(
        got.map((events) => dataOf(events, 'others')),
        [[], [], [], [], ['not alice'], ['not alice']],
      );
    } finally {
      streams.closeAll();
    }
  });

  it('agrees on the cluster counts on both instances within 2 s of each change, and reports users online and offline', async () => {
    await bothCount({ connected: 0, users: 0 });
    changes.length = 0;
    const { aliceStreams, bobStream } = await openAll();
    try {
      await bothCount({ connected: 6, users: 2 });
      const onA = await countsOf(a.url);
      assert.deepEqual(onA.instance, {
        connected: 3,
        channels: {},
        users: 2,
      });
      assert.deepEqual((await countsOf(b.url)).instance, {
        connected: 3,
        channels: {},
        users: 1,
      });
      // One tab of alice's closes: she is still online elsewhere.
      aliceStreams[0].close();
      await bothCount({ connected: 5, users: 2 });
      bobStream.close();
      await bothCount({ connected: 4, users: 1 });
      await waitFor(
        () => changes.some((c) => c.type === 'offline' && c.user === 'bob'),
        AGREE_MS,
        'bob to go offline',
      );
      assert.deepEqual(
        changes.filter((c) => c.user === 'alice'),
        [{ type: 'online', user: 'alice' }],
      );
      assert.deepEqual(
        changes.filter((c) => c.user === 'bob'),
        [
          { type: 'online', user: 'bob' },
          { type: 'offline', user: 'bob' },
        ],
      );
    } finally {
      streams.closeAll();
    }
    await bothCount({ connected: 0, users: 0 });
  });

  it(`drops the streams of an instance killed with SIGKILL within presenceTtlMs (${PRESENCE_TTL_MS} ms) and a heartbeat, and its users go offline`, async () => {
    let third: DemoProcess | undefined;
    try {
      third = await startDemoProcess({
        env: {
          JWT_SECRET: SECRET,
          REDIS_URL: demos.redis.url,
          REDIS_KEY_PREFIX: PREFIX,
          REDIS_PRESENCE_TTL_MS: String(PRESENCE_TTL_MS),
        },
      });
      changes.length = 0;
      await streams.open(`${third.url}/sse/user`, bearer(tokenOf('dave')));
      await streams.open(`${third.url}/sse/broadcast?channel=news`);
      await streams.open(`${a.url}/sse/user`, alice);
      await bothCount({ connected: 3, users: 2 });
      assert.deepEqual((await countsOf(a.url)).channels, { news: 1 });
      third.kill('SIGKILL');
      await third.exited;
      // Expired after its TTL; reaped (dave offline) by a survivor's next
      // heartbeat, a third of the TTL later.
      const bound = PRESENCE_TTL_MS + PRESENCE_TTL_MS / 3 + 1000;
      await waitFor(
        async () => (await countsOf(a.url)).connected === 1,
        bound,
        'the killed instance to drop out of the counts',
      );
      assert.deepEqual(await countsOf(b.url), {
        connected: 1,
        channels: {},
        users: 1,
        instance: { connected: 0, channels: {}, users: 0 },
      });
      await waitFor(
        () => changes.some((c) => c.type === 'offline' && c.user === 'dave'),
        bound,
        'dave to go offline',
      );
      assert.deepEqual(
        changes.filter((c) => c.user === 'dave'),
        [
          { type: 'online', user: 'dave' },
          { type: 'offline', user: 'dave' },
        ],
      );
    } finally {
      streams.closeAll();
      if (third) await stopDemoProcess(third);
    }
  });
});

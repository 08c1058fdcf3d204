import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { http } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';
import {
  SECRET,
  Streams,
  bearer,
  clientIdOf,
  dataOf,
  publish,
  startOf,
  tokenOf,
  tokens,
  upToFence,
} from './user-streams.js';

describe('users: streams that belong to a user, events addressed to them', () => {
  let demo: RunningDemo;
  const streams = new Streams();
  const alice = tokenOf('alice');
  const bob = tokenOf('bob');

  before(async () => {
    demo = await startDemo({ jwtSecret: SECRET, demoLogin: true });
  });
  after(async () => {
    streams.closeAll();
    await demo?.close();
  });

  /** alice by header, by cookie and by query; bob; an anonymous stream. */
  async function openAll() {
    const url = demo.url;
    const aliceStreams = [
      await streams.open(`${url}/sse/broadcast`, bearer(alice)),
      await streams.open(`${url}/sse/user`, { cookie: `sse_token=${alice}` }),
      await streams.open(`${url}/sse/user?access_token=${alice}`),
    ];
    const bobStream = await streams.open(`${url}/sse/user`, bearer(bob));
    const anonymous = await streams.open(`${url}/sse/broadcast`);
    return { aliceStreams, bobStream, anonymous };
  }

  it('delivers a user-addressed event to each of that user’s streams once, whichever way the token came, and to no one else', async () => {
    const { aliceStreams, bobStream, anonymous } = await openAll();
    try {
      const sent = await publish(demo.url, {
        event: 'dm',
        data: 'for alice',
        user: 'alice',
      });
      assert.equal(sent.status, 202);
      assert.equal(sent.json.user, 'alice');
      assert.equal(sent.json.connected, 3);
      const got = await upToFence(demo.url, [
        ...aliceStreams,
        bobStream,
        anonymous,
      ]);
      for (const events of got.slice(0, 3)) {
        assert.deepEqual(dataOf(events, 'dm'), ['for alice']);
        assert.equal(events.find((e) => e.event === 'dm')!.id, sent.json.id);
      }
      assert.deepEqual(dataOf(got[3], 'dm'), []);
      assert.deepEqual(dataOf(got[4], 'dm'), []);
    } finally {
      streams.closeAll();
    }
  });

  it('sends "everyone except a user" to every other stream, anonymous ones included', async () => {
    const { aliceStreams, bobStream, anonymous } = await openAll();
    try {
      const sent = await publish(demo.url, {
        event: 'others',
        data: 'not alice',
        exceptUser: 'alice',
      });
      assert.equal(sent.status, 202);
      const got = await upToFence(demo.url, [
        ...aliceStreams,
        bobStream,
        anonymous,
      ]);
      for (const events of got.slice(0, 3)) {
        assert.deepEqual(dataOf(events, 'others'), []);
      }
      assert.deepEqual(dataOf(got[3], 'others'), ['not alice']);
      assert.deepEqual(dataOf(got[4], 'others'), ['not alice']);
    } finally {
      streams.closeAll();
    }
  });

  it('skips the one stream named by exceptClient (the clientId of its connected event)', async () => {
    const { aliceStreams, bobStream } = await openAll();
    try {
      const sender = aliceStreams[0];
      const sent = await publish(demo.url, {
        event: 'echo',
        data: 'from tab 1',
        user: 'alice',
        exceptClient: clientIdOf(sender),
      });
      assert.equal(sent.status, 202);
      const got = await upToFence(demo.url, [...aliceStreams, bobStream]);
      assert.deepEqual(
        got.map((events) => dataOf(events, 'echo')),
        [[], ['from tab 1'], ['from tab 1'], []],
      );
    } finally {
      streams.closeAll();
    }
  });

  it('narrows a user event with a channel to that user’s streams on the channel', async () => {
    const onNews = await streams.open(
      `${demo.url}/sse/user?channel=news`,
      bearer(alice),
    );
    const plain = await streams.open(`${demo.url}/sse/user`, bearer(alice));
    const bobOnNews = await streams.open(
      `${demo.url}/sse/user?channel=news`,
      bearer(bob),
    );
    try {
      await publish(demo.url, {
        event: 'scoped',
        data: 'news for alice',
        user: 'alice',
        channel: 'news',
      });
      const got = await upToFence(demo.url, [onNews, plain, bobOnNews]);
      assert.deepEqual(
        got.map((events) => dataOf(events, 'scoped')),
        [['news for alice'], [], []],
      );
    } finally {
      streams.closeAll();
    }
  });

  it('replays after Last-Event-ID what was addressed to the reconnecting user and nobody else’s', async () => {
    const { aliceStreams, bobStream, anonymous } = await openAll();
    const start = startOf(anonymous);
    streams.closeAll();
    const sent = [];
    for (const body of [
      { event: 'r', data: 'to alice', user: 'alice' },
      { event: 'r', data: 'to bob', user: 'bob' },
      { event: 'r', data: 'all but alice', exceptUser: 'alice' },
      { event: 'r', data: 'to all' },
    ]) {
      const answer = await publish(demo.url, body);
      assert.equal(answer.status, 202);
      sent.push(answer.json.id as string);
    }
    assert.ok(aliceStreams.length && bobStream);
    const replayed = async (headers: Record<string, string>) => {
      const reader = await streams.open(`${demo.url}/sse/broadcast`, {
        ...headers,
        'last-event-id': start,
      });
      await reader.find((e) => e.data === 'to all');
      return dataOf(reader.events, 'r');
    };
    try {
      assert.deepEqual(await replayed(bearer(alice)), ['to alice', 'to all']);
      assert.deepEqual(await replayed(bearer(bob)), [
        'to bob',
        'all but alice',
        'to all',
      ]);
      assert.deepEqual(await replayed({}), ['all but alice', 'to all']);
    } finally {
      streams.closeAll();
    }
  });

  it('answers 202 with connected 0 for a user with no open stream, delivering to nobody', async () => {
    const anonymous = await streams.open(`${demo.url}/sse/broadcast`);
    try {
      const sent = await publish(demo.url, {
        event: 'lost',
        data: 'nobody',
        user: 'nobody-here',
      });
      assert.equal(sent.status, 202);
      assert.equal(sent.json.connected, 0);
      const [events] = await upToFence(demo.url, [anonymous]);
      assert.deepEqual(dataOf(events, 'lost'), []);
    } finally {
      streams.closeAll();
    }
  });

  it('refuses addressing fields that break the channel-name rule, and user with exceptUser, with a 400 naming the field', async () => {
    for (const [body, field] of [
      [{ user: 'a b' }, 'user'],
      [{ user: '' }, 'user'],
      [{ exceptUser: 'x'.repeat(65) }, 'exceptUser'],
      [{ exceptClient: 'id\n1' }, 'exceptClient'],
      [{ user: 7 }, 'user'],
      [{ user: 'alice', exceptUser: 'bob' }, 'exceptUser'],
    ] as const) {
      const answer = await publish(demo.url, { data: 1, ...body });
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(JSON.stringify(answer.json.message), new RegExp(field));
    }
  });

  it('refuses a user stream without a token (401), with an invalid one (401), and a sub that breaks the rule (400)', async () => {
    const status = async (
      url: string,
      headers: Record<string, string> = {},
    ) => {
      const reader = await SseReader.open(url, headers);
      const body = JSON.parse(await reader.body()) as { message: string };
      return [reader.status, body.message] as const;
    };
    const [none, noneText] = await status(`${demo.url}/sse/user`);
    assert.equal(none, 401);
    assert.match(noneText, /Sign in/);
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.bad';
    assert.equal(
      (await status(`${demo.url}/sse/user?access_token=${forged}`))[0],
      401,
    );
    assert.equal(
      (await status(`${demo.url}/sse/broadcast`, bearer(forged)))[0],
      401,
    );
    const [bad, badText] = await status(
      `${demo.url}/sse/broadcast`,
      bearer(tokens.sign({ sub: 'alice smith' })),
    );
    assert.equal(bad, 400);
    assert.match(badText, /Invalid SSE user/);
  });

  it('signs in with POST /api/login (DEMO_LOGIN=1): a token and an HttpOnly cookie that make the page’s streams the user’s', async () => {
    const login = await http('POST', `${demo.url}/api/login`, {
      body: { name: 'carol' },
    });
    assert.equal(login.status, 200);
    assert.equal(login.json.user, 'carol');
    const cookie = String(login.headers['set-cookie']);
    assert.match(
      cookie,
      /^sse_token=[^;]+; Path=\/; HttpOnly; SameSite=Strict/,
    );
    const stream = await streams.open(`${demo.url}/sse/user`, {
      cookie: cookie.split(';')[0],
    });
    try {
      const sent = await publish(demo.url, {
        event: 'hello',
        data: 'carol',
        user: 'carol',
      });
      assert.equal(sent.json.connected, 1);
      await stream.find((e) => e.event === 'hello');
      for (const name of ['', 'a b', 'x'.repeat(65)]) {
        const refused = await http('POST', `${demo.url}/api/login`, {
          body: { name },
        });
        assert.equal(refused.status, 400, name);
      }
    } finally {
      streams.closeAll();
    }
  });

  it('counts users in GET /api/clients, cluster-wide and for this instance', async () => {
    await waitFor(
      async () =>
        (await http('GET', `${demo.url}/api/clients`)).json.connected === 0,
    );
    await openAll();
    try {
      const counts = { connected: 5, channels: {}, users: 2 };
      assert.deepEqual((await http('GET', `${demo.url}/api/clients`)).json, {
        ...counts,
        instance: counts,
      });
    } finally {
      streams.closeAll();
    }
  });
});

describe('users: no POST /api/login without DEMO_LOGIN', () => {
  it('answers 404', async () => {
    const demo = await startDemo({ jwtSecret: SECRET });
    try {
      const answer = await http('POST', `${demo.url}/api/login`, {
        body: { name: 'alice' },
      });
      assert.equal(answer.status, 404);
    } finally {
      await demo.close();
    }
  });
});

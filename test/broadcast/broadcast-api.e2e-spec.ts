import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { RecordingEventSource } from '../support/event-source.js';
import type { HttpAnswer } from '../support/http.js';
import { http, postBroadcast } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';

/** A 4xx with a JSON body whose message matches `what`. */
function assertJsonError(answer: HttpAnswer, status: number, what: RegExp) {
  assert.equal(answer.status, status, answer.text);
  assert.match(String(answer.headers['content-type']), /application\/json/);
  assert.equal(answer.json?.statusCode, status, answer.text);
  assert.match(JSON.stringify(answer.json.message), what);
}

const post = (
  demo: RunningDemo,
  body: string,
  headers: Record<string, string>,
) => http('POST', `${demo.url}/api/broadcast`, { body, headers });
const json = { 'content-type': 'application/json' };

describe('POST /api/broadcast and GET /api/clients', () => {
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo.close());

  it('answers 202 { ok, id, event, channel, user, connected } after fan-out', async () => {
    const readers = await Promise.all(
      ['', '?channel=news'].map(async (q) => {
        const reader = await SseReader.open(`${demo.url}/sse/broadcast${q}`);
        await reader.find((e) => e.event === 'connected');
        return reader;
      }),
    );
    try {
      const answer = await postBroadcast(demo.url, {
        event: 'notice',
        data: { text: 'hi' },
        channel: 'news',
      });
      assert.equal(answer.status, 202);
      assert.deepEqual(answer.json, {
        ok: true,
        id: answer.json.id,
        event: 'notice',
        channel: 'news',
        user: null,
        connected: 2,
      });
      assert.match(answer.json.id, /^\d+$/);
      // Delivered before the answer: the subscriber already has it or is reading it.
      const event = await readers[1].find((e) => e.event === 'notice');
      assert.equal(event.id, answer.json.id);
      assert.deepEqual(JSON.parse(event.data), { text: 'hi' });
    } finally {
      for (const reader of readers) reader.close();
    }
  });

  it('defaults the event to "message", which EventSource.onmessage receives', async () => {
    const source = new RecordingEventSource(`${demo.url}/sse/broadcast`, [
      'connected',
    ]);
    try {
      await waitFor(() => source.named('connected').length === 1);
      const answer = await postBroadcast(demo.url, { data: 'plain text' });
      assert.equal(answer.status, 202);
      assert.equal(answer.json.event, 'message');
      assert.equal(answer.json.channel, null);
      await waitFor(() => source.named('message').length === 1);
      assert.deepEqual(source.named('message')[0], {
        type: 'message',
        data: 'plain text',
        lastEventId: answer.json.id,
      });
    } finally {
      source.close();
    }
  });

  it('accepts any JSON value as data, and event names made of letters, digits and -_.:', async () => {
    for (const data of [
      0,
      false,
      null,
      '',
      [1, 2],
      { nested: { a: [null] } },
    ]) {
      const answer = await postBroadcast(demo.url, { data });
      assert.equal(answer.status, 202, JSON.stringify(data));
    }
    for (const event of ['a', 'order.created', 'ns:evt_1-2', 'x'.repeat(64)]) {
      const answer = await postBroadcast(demo.url, { event, data: 1 });
      assert.equal(answer.status, 202, event);
      assert.equal(answer.json.event, event);
    }
    const charset = await post(demo, '{"data":1}', {
      'content-type': 'application/json; charset=utf-8',
    });
    assert.equal(charset.status, 202);
  });

  describe('bad input', () => {
    it('answers malformed JSON with 400', async () => {
      for (const body of [
        '{"data":',
        '{data: 1}',
        "{'data':1}",
        '{"data":1}}',
      ]) {
        assertJsonError(await post(demo, body, json), 400, /./);
      }
    });

    it('answers a body without data with 400 naming data', async () => {
      assertJsonError(await postBroadcast(demo.url, {}), 400, /data/);
      assertJsonError(
        await postBroadcast(demo.url, { event: 'x' }),
        400,
        /data/,
      );
    });

    it('answers a body that is not an object with 400', async () => {
      for (const body of ['[]', '"text"', '42', 'null', 'true']) {
        const answer = await post(demo, body, json);
        assert.equal(answer.status, 400, `${body}: ${answer.text}`);
        assert.equal(answer.json?.statusCode, 400);
      }
    });

    const badEvents: unknown[] = [
      '',
      'has space',
      'line\nbreak',
      'cr\r',
      'nul\0',
      'x'.repeat(65),
      'émoji😀',
      'a/b',
      42,
      { name: 'x' },
    ];
    for (const event of badEvents) {
      it(`answers event ${JSON.stringify(event)} with 400 naming event`, async () => {
        assertJsonError(
          await postBroadcast(demo.url, { event, data: 1 }),
          400,
          /event/,
        );
      });
    }

    for (const channel of ['', 'a b', 'a\nb', 'x'.repeat(65), 7]) {
      it(`answers channel ${JSON.stringify(channel)} with 400 naming channel`, async () => {
        assertJsonError(
          await postBroadcast(demo.url, { channel, data: 1 }),
          400,
          /channel/,
        );
      });
    }

    it('answers a body that is not application/json with 415', async () => {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/jsonp',
      ]) {
        assertJsonError(
          await post(demo, '{"data":1}', { 'content-type': type }),
          415,
          /content-type|media type/i,
        );
      }
      const untyped = await http('POST', `${demo.url}/api/broadcast`, {
        body: Buffer.from('{"data":1}'),
      });
      assertJsonError(untyped, 415, /content-type|media type/i);
    });

    it('answers a body over 1 MB with 413, and takes one just under it', async () => {
      const over = JSON.stringify({ data: 'x'.repeat(1024 * 1024) });
      const answer = await post(demo, over, json);
      assert.equal(answer.status, 413, answer.text.slice(0, 200));
      assert.equal(answer.json?.statusCode, 413);
      const under = JSON.stringify({ data: 'x'.repeat(1000 * 1000) });
      assert.equal((await post(demo, under, json)).status, 202);
    });

    it('delivers nothing for a refused request', async () => {
      const reader = await SseReader.open(`${demo.url}/sse/broadcast`);
      try {
        await reader.find((e) => e.event === 'connected');
        await postBroadcast(demo.url, { event: 'bad name', data: 1 });
        await postBroadcast(demo.url, {});
        await post(demo, '{"data":', json);
        await post(demo, '{"data":1}', { 'content-type': 'text/plain' });
        const ok = await postBroadcast(demo.url, { event: 'last', data: 1 });
        const events = await reader.take(2);
        assert.deepEqual(
          events.map((e) => e.event),
          ['connected', 'last'],
        );
        assert.equal(events[1].id, ok.json.id);
      } finally {
        reader.close();
      }
    });
  });

  it('GET /api/clients answers { connected, channels, users, instance }', async () => {
    await waitFor(
      async () =>
        (await http('GET', `${demo.url}/api/clients`)).json.connected === 0,
    );
    const reader = await SseReader.open(
      `${demo.url}/sse/broadcast?channel=x,y`,
    );
    try {
      await reader.find((e) => e.event === 'connected');
      const answer = await http('GET', `${demo.url}/api/clients`);
      assert.equal(answer.status, 200);
      assert.match(String(answer.headers['content-type']), /application\/json/);
      const counts = { connected: 1, channels: { x: 1, y: 1 }, users: 0 };
      assert.deepEqual(answer.json, { ...counts, instance: counts });
    } finally {
      reader.close();
    }
  });
});

describe('POST /api/broadcast with BROADCAST_TOKEN set', () => {
  const token = 's3cret-token';
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo({ broadcastToken: token });
  });
  after(() => demo.close());

  for (const [label, authorization] of [
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer wrong'],
    ['the token without Bearer', token],
    ['another scheme', `Basic ${token}`],
    ['an empty bearer', 'Bearer '],
    ['the token with a suffix', `Bearer ${token}x`],
  ] as const) {
    it(`answers ${label} with 401, without naming the token`, async () => {
      const answer = await postBroadcast(
        demo.url,
        { data: 1 },
        authorization === undefined ? {} : { authorization },
      );
      assertJsonError(answer, 401, /Bearer/);
      assert.doesNotMatch(answer.text, new RegExp(token));
    });
  }

  it('accepts Authorization: Bearer <token>', async () => {
    const answer = await postBroadcast(
      demo.url,
      { data: 1 },
      { authorization: `Bearer ${token}` },
    );
    assert.equal(answer.status, 202);
  });

  it('leaves streams and the client count open to all', async () => {
    const reader = await SseReader.open(`${demo.url}/sse/broadcast`);
    try {
      assert.equal(reader.status, 200);
      await reader.find((e) => e.event === 'connected');
      assert.equal((await http('GET', `${demo.url}/api/clients`)).status, 200);
    } finally {
      reader.close();
    }
  });
});

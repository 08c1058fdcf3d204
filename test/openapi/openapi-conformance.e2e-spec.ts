import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AccessClaims } from '../../demo/auth/access-tokens.js';
import { AccessTokens } from '../../demo/auth/access-tokens.js';
import type { DemoConfig } from '../../demo/demo-config.js';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import type { HttpAnswer } from '../support/http.js';
import { http, postBroadcast } from '../support/http.js';
import type { Doc } from '../support/openapi.js';
import {
  dereference,
  eventMismatches,
  operations,
  schemaValidator,
} from '../support/openapi.js';
import { RedisServer } from '../support/redis-server.js';
import { SseReader } from '../support/sse-reader.js';

const TOKEN = 'conformance-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const JWT_SECRET = 'conformance-jwt-secret-of-enough-length';
const jwt = (claims: AccessClaims) => ({
  authorization: `Bearer ${new AccessTokens(JWT_SECRET).sign(claims)}`,
});

/** Runs `request` against a demo of its own, configured for one error. */
async function onDemo(
  overrides: Partial<DemoConfig>,
  request: (url: string) => Promise<HttpAnswer>,
): Promise<HttpAnswer> {
  const demo = await startDemo(overrides);
  try {
    return await request(demo.url);
  } finally {
    await demo.close();
  }
}

/** `request` while one broadcast stream is open. */
async function withStreamOpen(
  url: string,
  request: () => Promise<HttpAnswer>,
): Promise<HttpAnswer> {
  const held = await SseReader.open(`${url}/sse/broadcast`);
  try {
    await held.take(1);
    return await request();
  } finally {
    held.close();
  }
}

type Trigger = (url: string) => Promise<HttpAnswer>;

/** A request that makes the demo give each documented error. */
const ERROR_TRIGGERS: Record<string, Record<string, Trigger>> = {
  streamTicks: {
    '400': (u) => http('GET', `${u}/sse?count=0&intervalMs=5`),
  },
  streamBroadcasts: {
    '400': (u) => http('GET', `${u}/sse/broadcast?channel=a%0Db`),
    '401': (u) => http('GET', `${u}/sse/broadcast?channel=private:a`),
    '403': (u) =>
      http('GET', `${u}/sse/broadcast?channel=private:a`, {
        headers: jwt({ subscribe: ['private:b'] }),
      }),
    '429': () =>
      onDemo({ maxClientsPerAddress: 1 }, (u) =>
        withStreamOpen(u, () => http('GET', `${u}/sse/broadcast`)),
      ),
    '503': () =>
      onDemo({ maxClients: 1 }, (u) =>
        withStreamOpen(u, () => http('GET', `${u}/sse/broadcast`)),
      ),
  },
  publishBroadcast: {
    '400': (u) =>
      http('POST', `${u}/api/broadcast`, {
        body: '{"data":',
        headers: { ...auth, 'content-type': 'application/json' },
      }),
    '401': (u) => postBroadcast(u, { data: 1 }),
    '403': (u) => postBroadcast(u, { data: 1 }, jwt({ publish: ['news'] })),
    '413': (u) => postBroadcast(u, { data: 'x'.repeat(4096) }, auth),
    '415': (u) =>
      http('POST', `${u}/api/broadcast`, {
        body: 'data=1',
        headers: { ...auth, 'content-type': 'text/plain' },
      }),
    '429': () =>
      onDemo({ publishRateLimit: 1 }, async (u) => {
        assert.equal((await postBroadcast(u, { data: 1 })).status, 202);
        return postBroadcast(u, { data: 2 });
      }),
    '503': () => withRedisStopped((u) => postBroadcast(u, { data: 1 })),
  },
  streamUserEvents: {
    '400': (u) =>
      http('GET', `${u}/sse/user`, { headers: jwt({ sub: 'not a user id' }) }),
    '401': (u) => http('GET', `${u}/sse/user`),
  },
  getClients: {
    '503': () => withRedisStopped((u) => http('GET', `${u}/api/clients`)),
  },
};

/** `request` to the demo on a redis-server of its own, stopped before it. */
async function withRedisStopped(request: Trigger): Promise<HttpAnswer> {
  const redis = await RedisServer.start();
  try {
    return await onDemo({ redisUrl: redis.url }, async (u) => {
      await redis.stop();
      return request(u);
    });
  } finally {
    await redis.stop();
  }
}

describe('the OpenAPI documents describe what the server does', () => {
  let demo: RunningDemo;
  let doc: Doc;
  let doc32: Doc;
  const check30 = schemaValidator('3.0');
  const check32 = schemaValidator('2020');

  before(async () => {
    demo = await startDemo({
      broadcastToken: TOKEN,
      jwtSecret: JWT_SECRET,
      bodyLimit: '1kb',
    });
    doc = dereference((await http('GET', `${demo.url}/openapi.json`)).json);
    doc32 = dereference(
      (await http('GET', `${demo.url}/openapi-3.2.json`)).json,
    );
  });
  after(() => demo.close());

  const mediaOf = (d: Doc, path: string, status: string, type: string) =>
    d.paths[path].get?.responses[status]?.content[type] ??
    d.paths[path].post.responses[status].content[type];

  it('answers every documented error with a body its schema admits', async () => {
    for (const { op } of operations(doc)) {
      const documented = Object.keys(op.responses).filter((s) => s >= '400');
      const triggers = ERROR_TRIGGERS[op.operationId] ?? {};
      assert.deepEqual(documented, Object.keys(triggers), op.operationId);
      for (const status of documented) {
        const answer = await triggers[status](demo.url);
        const label = `${op.operationId} ${status}`;
        assert.equal(answer.status, Number(status), `${label}: ${answer.text}`);
        assert.match(String(answer.headers['content-type']), /json/, label);
        const response = op.responses[status];
        const json = response.content['application/json'];
        assert.deepEqual(check30(json.schema, answer.json), [], label);
        for (const example of Object.values<Doc>(json.examples)) {
          assert.deepEqual(check30(json.schema, example.value), [], label);
        }
        for (const [name, header] of Object.entries<Doc>(
          response.headers ?? {},
        )) {
          const value = answer.headers[name.toLowerCase()];
          assert.ok(value !== undefined, `${label} has no ${name} header`);
          const typed =
            header.schema.type === 'integer' ? Number(value) : value;
          assert.deepEqual(
            check30(header.schema, typed),
            [],
            `${label} ${name}`,
          );
        }
      }
    }
  });

  it('answers the success responses with bodies their schemas admit', async () => {
    const published = await postBroadcast(demo.url, { data: 1 }, auth);
    assert.equal(published.status, 202);
    const post = mediaOf(doc, '/api/broadcast', '202', 'application/json');
    assert.deepEqual(check30(post.schema, published.json), []);
    const clients = await http('GET', `${demo.url}/api/clients`);
    const get = mediaOf(doc, '/api/clients', '200', 'application/json');
    assert.deepEqual(check30(get.schema, clients.json), []);
    // 204 for a tick stream that has nothing left.
    const done = await http('GET', `${demo.url}/sse?count=3&intervalMs=10`, {
      headers: { 'last-event-id': '3' },
    });
    assert.equal(done.status, 204);
    assert.ok(doc.paths['/sse'].get.responses['204']);
  });

  it('sends tick events that match the documented event schemas', async () => {
    const reader = await SseReader.open(
      `${demo.url}/sse?count=3&intervalMs=10`,
    );
    try {
      const events = await reader.take(5);
      const media = mediaOf(doc, '/sse', '200', 'text/event-stream');
      const media32 = mediaOf(doc32, '/sse', '200', 'text/event-stream');
      assert.deepEqual(eventMismatches(events, media, media32), []);
    } finally {
      reader.close();
    }
  });

  it('sends broadcast events that match the documented event schemas', async () => {
    const media = mediaOf(doc, '/sse/broadcast', '200', 'text/event-stream');
    const media32 = mediaOf(
      doc32,
      '/sse/broadcast',
      '200',
      'text/event-stream',
    );
    // An id the server never issued: `connected`, then `history-gap`.
    const reader = await SseReader.open(`${demo.url}/sse/broadcast`, {
      'last-event-id': 'never-issued',
    });
    try {
      await reader.take(2);
      await postBroadcast(demo.url, { data: { text: 'hi' } }, auth);
      await postBroadcast(demo.url, { event: 'notice', data: 'plain' }, auth);
      await postBroadcast(demo.url, { event: 'n2', data: [1, 2] }, auth);
      const events = await reader.take(5);
      assert.deepEqual(
        events.map((e) => e.event),
        ['connected', 'history-gap', 'message', 'notice', 'n2'],
      );
      assert.deepEqual(eventMismatches(events, media, media32), []);
      // The schemas are not vacuous: an event without data is refused.
      const bogus = { event: 'connected', id: '7' };
      assert.notDeepEqual(check30(media.schema, bogus), []);
      assert.notDeepEqual(check32(media32.itemSchema, bogus), []);
    } finally {
      reader.close();
    }
  });
});

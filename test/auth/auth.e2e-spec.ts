import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccessTokens } from '../../demo/auth/access-tokens.js';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { postBroadcast } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';
import { VERDICT_DELAY_MS, startSlowAuthorizeFixture } from './auth.app.js';
import { LogCapture } from '../support/log-capture.js';

const SECRET = `jwt-secret-${Math.random().toString(36).slice(2)}`;
const STATIC_TOKEN = `static-token-${Math.random().toString(36).slice(2)}`;
const tokens = new AccessTokens(SECRET);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Opens a stream expected to be refused: JSON error, never an event stream. */
async function refusedStream(
  url: string,
  headers: Record<string, string> = {},
) {
  const reader = await SseReader.open(url, headers);
  const body = await reader.body();
  assert.doesNotMatch(String(reader.headers['content-type']), /event-stream/);
  return {
    status: reader.status,
    json: JSON.parse(body) as { statusCode: number; message: string },
  };
}

describe('auth: private channels (authorize option + JWT) and guarded publishing', () => {
  let demo: RunningDemo;
  const logs = new LogCapture();
  const issued = {
    newsReader: tokens.sign({ subscribe: ['private:news'] }),
    anyReader: tokens.sign({ subscribe: ['*'] }),
    newsWriter: tokens.sign({ publish: ['private:news'] }),
    anyWriter: tokens.sign({ publish: ['*'] }),
    expired: tokens.sign({ subscribe: ['*'], publish: ['*'] }, -10),
    forged: new AccessTokens('another secret').sign({
      subscribe: ['*'],
      publish: ['*'],
    }),
    inQuery: tokens.sign({ sub: 'query-user', subscribe: ['*'] }),
    inCookie: tokens.sign({ sub: 'cookie-user' }),
    forgedInQuery: new AccessTokens('another secret').sign({ sub: 'mallory' }),
  };

  before(async () => {
    demo = await startDemo({ jwtSecret: SECRET, broadcastToken: STATIC_TOKEN });
    demo.app.useLogger(logs);
  });
  after(() => demo.close());

  describe('subscribing', () => {
    it('opens public channels to anyone', async () => {
      const reader = await SseReader.open(
        `${demo.url}/sse/broadcast?channel=news`,
      );
      try {
        assert.equal(reader.status, 200);
        await reader.find((e) => e.event === 'connected');
      } finally {
        reader.close();
      }
    });

    for (const [name, headers] of [
      ['no token', {}],
      ['a malformed token', bearer('not-a-jwt')],
      ['a token signed with another secret', bearer(issued.forged)],
      ['an expired token', bearer(issued.expired)],
      ['another scheme', { authorization: `Basic ${issued.anyReader}` }],
    ] as const) {
      it(`answers a private channel with ${name} with 401 before any stream`, async () => {
        const answer = await refusedStream(
          `${demo.url}/sse/broadcast?channel=private:news`,
          headers,
        );
        assert.equal(answer.status, 401);
        assert.equal(answer.json.statusCode, 401);
        assert.match(answer.json.message, /Bearer/);
      });
    }

    it('answers a valid token that does not grant the channel with 403', async () => {
      const answer = await refusedStream(
        `${demo.url}/sse/broadcast?channel=news,private:ops`,
        bearer(issued.newsReader),
      );
      assert.equal(answer.status, 403);
      assert.match(
        answer.json.message,
        /Not allowed to subscribe to "news", "private:ops"/,
      );
    });

    it('streams the private channels a token grants, with their events', async () => {
      const reader = await SseReader.open(
        `${demo.url}/sse/broadcast?channel=news,private:news`,
        bearer(issued.newsReader),
      );
      const wildcard = await SseReader.open(
        `${demo.url}/sse/broadcast?channel=private:news,private:ops`,
        bearer(issued.anyReader),
      );
      try {
        assert.equal(reader.status, 200);
        assert.equal(wildcard.status, 200);
        await reader.find((e) => e.event === 'connected');
        await wildcard.find((e) => e.event === 'connected');
        const sent = await postBroadcast(
          demo.url,
          {
            event: 'memo',
            data: { text: 'for readers of private:news' },
            channel: 'private:news',
          },
          bearer(STATIC_TOKEN),
        );
        assert.equal(sent.status, 202);
        for (const r of [reader, wildcard]) {
          const memo = await r.find((e) => e.event === 'memo');
          assert.equal(memo.id, sent.json.id);
        }
      } finally {
        reader.close();
        wildcard.close();
      }
    });
  });

  describe('publishing', () => {
    const publish = (
      channel: string | undefined,
      headers: Record<string, string>,
    ) => postBroadcast(demo.url, { event: 'e', data: 1, channel }, headers);

    for (const [name, headers] of [
      ['no token', {}],
      ['a wrong static token', bearer(`${STATIC_TOKEN}x`)],
      ['a forged JWT', bearer(issued.forged)],
      ['an expired JWT', bearer(issued.expired)],
    ] as const) {
      it(`answers ${name} with 401`, async () => {
        const answer = await publish(undefined, headers);
        assert.equal(answer.status, 401);
        assert.match(String(answer.json.message), /Bearer/);
      });
    }

    it('answers a JWT that does not grant the target with 403', async () => {
      const cases: [string | undefined, string][] = [
        [undefined, issued.newsWriter],
        ['private:ops', issued.newsWriter],
        ['private:news', issued.anyReader],
      ];
      for (const [channel, token] of cases) {
        const answer = await publish(channel, bearer(token));
        assert.equal(
          answer.status,
          403,
          `${channel} with ${token.slice(0, 8)}`,
        );
        assert.match(String(answer.json.message), /may not publish/);
      }
    });

    it('accepts the static token anywhere and a JWT where it grants', async () => {
      assert.equal(
        (await publish(undefined, bearer(STATIC_TOKEN))).status,
        202,
      );
      assert.equal(
        (await publish('private:news', bearer(issued.newsWriter))).status,
        202,
      );
      assert.equal(
        (await publish(undefined, bearer(issued.anyWriter))).status,
        202,
      );
    });
  });

  it('never logs a token, by header, ?access_token= or cookie, while connects and disconnects are logged at debug', async () => {
    const readers = [
      await SseReader.open(
        `${demo.url}/sse/broadcast?channel=private:news`,
        bearer(issued.newsReader),
      ),
      await SseReader.open(
        `${demo.url}/sse/user?channel=private:news&access_token=${issued.inQuery}`,
      ),
      await SseReader.open(`${demo.url}/sse/user`, {
        cookie: `theme=dark; sse_token=${issued.inCookie}`,
      }),
    ];
    for (const reader of readers) {
      assert.equal(reader.status, 200);
      await reader.find((e) => e.event === 'connected');
      reader.close();
    }
    // Refused ones too: a forged token in the query, on a stream and elsewhere.
    for (const path of ['/sse/user', '/sse/broadcast', '/api/nowhere']) {
      const refused = await SseReader.open(
        `${demo.url}${path}?access_token=${issued.forgedInQuery}`,
      );
      await refused.body();
      assert.ok(refused.status >= 400, `${path}: ${refused.status}`);
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(
      logs.find('debug', /connected \(channels: private:news;/).length > 0,
    );
    assert.ok(
      logs.find('debug', /connected \(channels: private:news; user query-user;/)
        .length > 0,
    );
    assert.ok(logs.find('debug', /; user cookie-user;/).length > 0);
    assert.ok(logs.find('debug', /disconnected/).length > 0);
    for (const token of [STATIC_TOKEN, SECRET, ...Object.values(issued)]) {
      assert.equal(logs.all.includes(token), false, 'a token reached the logs');
      // Nor any recognizable part of a JWT (its signature).
      const signature = token.split('.').at(-1)!;
      assert.equal(logs.all.includes(signature), false);
    }
  });
});

describe('authorize option: an asynchronous verdict holds the headers back', () => {
  let fixture: Awaited<ReturnType<typeof startSlowAuthorizeFixture>>;
  before(async () => {
    fixture = await startSlowAuthorizeFixture();
  });
  after(() => fixture.app.close());

  it(`answers 401 and 403 even though the verdict takes ${VERDICT_DELAY_MS} ms, and streams once allowed`, async () => {
    const unknown = await refusedStream(`${fixture.url}/feed`);
    assert.equal(unknown.status, 401);
    assert.equal(unknown.json.message, 'Who are you?');
    const forbidden = await refusedStream(
      `${fixture.url}/feed?channel=secret`,
      {
        'x-user': 'anyone',
      },
    );
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.json.message, /"secret"/);
    for (const [user, channel] of [
      ['anyone', 'public'],
      ['admin', 'secret'],
    ]) {
      const reader = await SseReader.open(
        `${fixture.url}/feed?channel=${channel}`,
        {
          'x-user': user,
        },
      );
      try {
        assert.equal(reader.status, 200);
        assert.match(
          String(reader.headers['content-type']),
          /text\/event-stream/,
        );
        await reader.find((e) => e.event === 'connected');
      } finally {
        reader.close();
      }
    }
  });
});

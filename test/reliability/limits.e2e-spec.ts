import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startDemo } from '../support/demo-server.js';
import { postBroadcast } from '../support/http.js';
import { waitFor } from '../support/wait.js';
import type { OpenAnswer } from '../support/http.js';
import { get } from '../support/http.js';

/** A refusal: the status, a JSON body saying why, and Retry-After when asked. */
async function assertRefused(
  answer: OpenAnswer,
  status: number,
  message: RegExp,
  retryAfter?: string,
) {
  assert.equal(answer.status, status);
  assert.match(String(answer.headers['content-type']), /application\/json/);
  const body = await answer.json();
  assert.equal(body.statusCode, status);
  assert.match([body.message].flat().join(' '), message);
  if (retryAfter !== undefined) {
    assert.equal(answer.headers['retry-after'], retryAfter);
  }
}

describe('limits', () => {
  it('maxClients: one stream more, on any SSE route, is answered 503 with Retry-After, and a freed place is taken again', async () => {
    const demo = await startDemo({ maxClients: 2 });
    const open: OpenAnswer[] = [];
    try {
      open.push(await get(`${demo.url}/sse/broadcast`));
      open.push(await get(`${demo.url}/sse?count=100&intervalMs=60000`));
      assert.deepEqual(
        open.map((a) => a.status),
        [200, 200],
      );
      for (const path of ['/sse/broadcast', '/sse?count=1&intervalMs=10']) {
        await assertRefused(
          await get(`${demo.url}${path}`),
          503,
          /at most 2 streams/,
          '2', // retryMs 2000 in whole seconds
        );
      }
      open.shift()!.close();
      await waitFor(
        async () =>
          (await get(`${demo.url}/api/clients`))
            .json()
            .then((c) => (c as { connected: number }).connected === 0),
        5000,
        'the closed stream to be counted out',
      );
      open.push(await get(`${demo.url}/sse/broadcast`));
      assert.equal(open[1].status, 200);
    } finally {
      for (const a of open) a.close();
      await demo.close();
    }
  });

  it('maxClientsPerAddress: one address gets 429 with Retry-After past its cap, on any SSE route; other addresses are not affected', async () => {
    const demo = await startDemo({ maxClientsPerAddress: 2 });
    const open: OpenAnswer[] = [];
    const from = (localAddress: string, path = '/sse/broadcast') =>
      get(`${demo.url}${path}`, { localAddress });
    try {
      open.push(await from('127.0.0.1'));
      open.push(await from('127.0.0.1', '/sse?count=100&intervalMs=60000'));
      assert.deepEqual(
        open.map((a) => a.status),
        [200, 200],
      );
      for (const path of ['/sse/broadcast', '/sse?count=1&intervalMs=10']) {
        await assertRefused(
          await from('127.0.0.1', path),
          429,
          /at most 2 at once/,
          '2',
        );
      }
      const other = await from('127.0.0.2');
      open.push(other);
      assert.equal(other.status, 200, 'another address has its own count');
      // Refusals did not count: closing one stream frees exactly one place.
      open.shift()!.close();
      await waitFor(
        async () =>
          (await from('127.0.0.3', '/api/clients'))
            .json()
            .then((c) => (c as { connected: number }).connected === 1),
        5000,
        'the closed stream to be counted out',
      );
      const again = await from('127.0.0.1');
      open.push(again);
      assert.equal(again.status, 200);
      await assertRefused(await from('127.0.0.1'), 429, /at most 2/);
    } finally {
      for (const a of open) a.close();
      await demo.close();
    }
  });

  it('body limit: a larger body is answered 413 with a JSON reason, a smaller one is published', async () => {
    const demo = await startDemo({ bodyLimit: '10kb' });
    try {
      const big = await postBroadcast(demo.url, {
        data: 'x'.repeat(11 * 1024),
      });
      assert.equal(big.status, 413);
      assert.equal(big.json?.statusCode, 413);
      assert.match([big.json.message].flat().join(' '), /too large/i);
      const small = await postBroadcast(demo.url, {
        data: 'x'.repeat(9 * 1024),
      });
      assert.equal(small.status, 202);
    } finally {
      await demo.close();
    }
  });

  it('publish rate limit (@nestjs/throttler): past the limit, 429 with Retry-After; streams are not limited', async () => {
    const demo = await startDemo({ publishRateLimit: 3 });
    const streams: OpenAnswer[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal((await postBroadcast(demo.url, { data: i })).status, 202);
      }
      const limited = await postBroadcast(demo.url, { data: 'one too many' });
      assert.equal(limited.status, 429);
      assert.equal(limited.json?.statusCode, 429);
      assert.match(String(limited.json.message), /at most 3 per minute/);
      const retryAfter = Number(limited.headers['retry-after']);
      assert.ok(
        retryAfter >= 1 && retryAfter <= 60,
        `Retry-After ${retryAfter}`,
      );
      for (let i = 0; i < 5; i++) {
        streams.push(await get(`${demo.url}/sse/broadcast`));
        assert.equal(streams[i].status, 200);
      }
    } finally {
      for (const s of streams) s.close();
      await demo.close();
    }
  });

  it('without PUBLISH_RATE_LIMIT, publishing is not throttled', async () => {
    const demo = await startDemo();
    try {
      for (let i = 0; i < 50; i++) {
        assert.equal((await postBroadcast(demo.url, { data: i })).status, 202);
      }
    } finally {
      await demo.close();
    }
  });
});

import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { after, before, describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { http } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';
import { contexts, outerLog, startHandOverFixture } from './hand-over.app.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Once an `@SseRoute()` stream has sent its headers, the request is over
 * for Nest: its pipeline (interceptor chain, promises, execution context)
 * is let go, and the stream goes on by itself.
 */
describe('@SseRoute() hands the stream over once its headers are out', () => {
  let app: INestApplication;
  let url: string;
  before(async () => {
    ({ app, url } = await startHandOverFixture());
  });
  after(() => app.close());

  it('completes the request for outer interceptors, and the stream goes on', async () => {
    outerLog.length = 0;
    const reader = await SseReader.open(`${url}/broadcast`);
    try {
      await reader.find((e) => e.event === 'connected');
      await waitFor(() => outerLog.includes('complete'), 5000, 'completion');
      assert.deepEqual(outerLog, ['start', 'next', 'complete']);
      const answer = await http('POST', `${url}/publish`, {
        body: { event: 'news', data: { n: 1 } },
      });
      assert.equal(answer.status, 202, answer.text);
      const news = await reader.find((e) => e.event === 'news');
      assert.deepEqual(JSON.parse(news.data), { n: 1 });
      assert.equal(news.id, answer.json.id);
    } finally {
      reader.close();
    }
  });

  it('lets go of the request context while the stream stays open', async () => {
    contexts.length = 0;
    const reader = await SseReader.open(`${url}/broadcast`);
    try {
      await reader.find((e) => e.event === 'connected');
      await waitFor(() => contexts.length === 1, 5000, 'the request');
      // A WeakRef's target survives the job that read it: collect on later turns.
      for (let i = 0; i < 5 && contexts[0].deref(); i++) {
        await nextTurn();
        gc();
      }
      assert.equal(contexts[0].deref(), undefined, 'context collected');
      const answer = await http('POST', `${url}/publish`, {
        body: { event: 'still-open', data: 'yes' },
      });
      assert.equal(answer.status, 202, answer.text);
      assert.equal(
        (await reader.find((e) => e.event === 'still-open')).data,
        'yes',
      );
    } finally {
      reader.close();
    }
  });

  it('still passes every frame through an interceptor declared above it', async () => {
    const reader = await SseReader.open(`${url}/shout`);
    try {
      const words = await reader.take(2);
      assert.deepEqual(
        words.map((e) => [e.event, e.data]),
        [
          ['word', 'HELLO'],
          ['word', 'WORLD'],
        ],
      );
    } finally {
      reader.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventSource } from 'eventsource';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { postBroadcast } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';

describe('demo smoke', () => {
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo.close());

  it('streams ticks to a raw reader', async () => {
    const reader = await SseReader.open(
      `${demo.url}/sse?count=2&intervalMs=10`,
    );
    assert.equal(reader.status, 200);
    const events = await reader.take(4);
    assert.deepEqual(
      events.map((e) => e.event),
      ['connected', 'tick', 'tick', 'complete'],
    );
  });

  it('delivers a broadcast to an EventSource', async () => {
    const source = new EventSource(`${demo.url}/sse/broadcast`);
    try {
      await new Promise<void>((resolve, reject) => {
        source.addEventListener('connected', () => resolve());
        source.onerror = () => reject(new Error('stream failed'));
      });
      const received = new Promise<MessageEvent>((resolve) =>
        source.addEventListener('greeting', (e) => resolve(e as MessageEvent)),
      );
      const answer = await postBroadcast(demo.url, {
        event: 'greeting',
        data: { hello: 'world' },
      });
      assert.equal(answer.status, 202);
      const event = await received;
      assert.deepEqual(JSON.parse(event.data), { hello: 'world' });
      assert.equal(event.lastEventId, answer.json.id);
    } finally {
      source.close();
    }
  });
});

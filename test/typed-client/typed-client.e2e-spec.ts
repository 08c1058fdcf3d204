import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventSource } from 'eventsource';
import type { EventsOf } from '../../src/client/index.js';
import { TypedEventSource } from '../../src/client/index.js';
import type { TICK_EVENTS } from '../../demo/ticks/tick-events.dto.js';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { postBroadcast } from '../support/http.js';

/** The types the server declared for `GET /sse`, without its code. */
type TickEvents = EventsOf<typeof TICK_EVENTS>;

/** A stream whose map a front end writes by hand. */
interface BroadcastEvents {
  connected: { clientId: string; serverTime: string };
  price: { symbol: string; price: number };
  note: string;
}

/**
 * Compile-time checks: `npm test` builds with tsc first, and an
 * `@ts-expect-error` above a line that compiles fails that build.
 */
export const compileTimeChecks = (ticks: TypedEventSource<TickEvents>) => {
  // @ts-expect-error `nope` is not an event of the tick stream.
  ticks.on('nope', () => undefined);
  // @ts-expect-error a tick's `i` is a number, not a string.
  ticks.on('tick', ({ data }) => data.i.toUpperCase());
};

describe('TypedEventSource', () => {
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo.close());

  it('gives decoded, typed tick events by name', async () => {
    const ticks = new TypedEventSource<TickEvents>(
      new EventSource(`${demo.url}/sse?count=3&intervalMs=10`),
    );
    try {
      const seen: number[] = [];
      ticks.on('tick', ({ data, lastEventId }) => {
        // `data` is a TickEventDto: `i` and `count` are numbers.
        seen.push(data.i);
        assert.equal(lastEventId, String(data.i));
        assert.equal(data.count, 3);
      });
      const connected = await ticks.once('connected');
      assert.equal(typeof connected.data.clientId, 'string');
      const complete = await ticks.once('complete');
      assert.equal(complete.data.count, 3);
      assert.deepEqual(seen, [1, 2, 3]);
    } finally {
      ticks.close();
    }
    assert.equal(ticks.source.readyState, EventSource.CLOSED);
  });

  it('decodes JSON and leaves plain text as it is; off() stops a listener', async () => {
    const stream = new TypedEventSource<BroadcastEvents>(
      new EventSource(`${demo.url}/sse/broadcast`),
    );
    try {
      await stream.once('connected');
      const notes: string[] = [];
      const off = stream.on('note', ({ data }) => notes.push(data));
      const price = stream.once('price');
      await postBroadcast(demo.url, { event: 'note', data: 'plain text' });
      await postBroadcast(demo.url, {
        event: 'price',
        data: { symbol: 'ACME', price: 12.5 },
      });
      assert.deepEqual((await price).data, { symbol: 'ACME', price: 12.5 });
      off();
      // Listening before publishing: the event may arrive before the answer.
      const second = stream.once('price');
      await postBroadcast(demo.url, { event: 'note', data: 'not seen' });
      await postBroadcast(demo.url, { event: 'price', data: { price: 1 } });
      await second;
      assert.deepEqual(notes, ['plain text']);
    } finally {
      stream.close();
    }
  });
});

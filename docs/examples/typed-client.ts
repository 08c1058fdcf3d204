import { EventSource } from 'eventsource'; // in a browser: the global EventSource
import { TypedEventSource, type EventsOf } from 'nestjs-sse-broadcast/client';
import type { TICK_EVENTS } from './tick-events.js';

const ticks = new TypedEventSource<EventsOf<typeof TICK_EVENTS>>(
  new EventSource('http://127.0.0.1:3000/sse?count=5'),
);
ticks.on('tick', ({ data, lastEventId }) =>
  console.log(data.i, 'of', data.count, 'id', lastEventId),
);
await ticks.once('complete');
ticks.close();
// ticks.on('tock', …)  → compile error: not an event of this stream

/** An event map written by hand, when there is no server code to import. */
export interface PriceEvents {
  price: { symbol: string; price: number };
}

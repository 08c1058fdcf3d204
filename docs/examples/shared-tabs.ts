import {
  SharedEventSource,
  TypedEventSource,
} from 'nestjs-sse-broadcast/client';
import type { PriceEvents } from './typed-client.js';

// The page's own storage and view (in a browser: `sessionStorage`, the DOM).
declare const sessionStorage: {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
};
declare function show(price: PriceEvents['price']): void;
declare function badge(state: string, role: string): void;

const source = new SharedEventSource('/sse/broadcast?channel=prices', {
  lastEventId: sessionStorage.getItem('last-id') ?? '', // resume after a reload
});
const prices = new TypedEventSource<PriceEvents>(source);
prices.on('price', ({ data, lastEventId }) => {
  sessionStorage.setItem('last-id', lastEventId);
  show(data);
});
source.onState((state) => badge(state, source.role));
// source.close() ends this tab's subscription; the others read on.

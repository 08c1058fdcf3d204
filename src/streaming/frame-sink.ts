import type { Unsubscribable } from 'rxjs';
import type { SseFrame } from '../framing/sse-frame.js';

/** Where the frames of one stream go: a served stream, or an rxjs `Subscriber`. */
export interface FrameSink {
  next(frame: SseFrame): void;
  error(err: unknown): void;
  complete(): void;
}

/**
 * The method by which a stream's source writes straight into a served
 * stream, with no rxjs subscription between them: at connect, no
 * `Subscriber` to build; per frame, no layers to pass. The served
 * connection keeps itself alive (it sees every write), so such a source
 * sends no keep-alive of its own. `BroadcastService.stream()` has it.
 */
export const CONNECT_SINK = Symbol('sse.connectSink');

/** A source with `CONNECT_SINK`: returns what ends the connection. */
export interface SinkSource {
  [CONNECT_SINK](sink: FrameSink): Unsubscribable;
}

/** Whether `source` can be connected straight to a sink. */
export function isSinkSource(source: object): source is SinkSource {
  return typeof (source as Partial<SinkSource>)[CONNECT_SINK] === 'function';
}

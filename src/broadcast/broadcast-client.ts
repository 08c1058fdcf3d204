import type { Subscriber } from 'rxjs';
import type { SseFrame } from '../framing/sse-frame.js';
import type { StoredEvent } from '../transports/transport-event.js';

/** One open broadcast stream, as `BroadcastService` tracks it. */
export class BroadcastClient {
  /** Live events that arrived while history was being replayed, in order. */
  private pending: StoredEvent[] | undefined;
  /** The highest `seq` this client was sent, to skip what replay already covered. */
  private lastSeq = -1;

  constructor(
    readonly id: string,
    readonly channels: readonly string[],
    /** Whose stream it is (the `identify` option); undefined when anonymous. */
    readonly user: string | undefined,
    private readonly subscriber: Subscriber<SseFrame>,
    /**
     * The id the client holds as its last event id: the one it reconnected
     * with, or the newest event at connect time, then each event it is sent.
     * Frames that are not events (`connected`, `history-gap`, the shutdown
     * `retry`) carry it, so they never move the client's position (Nest's
     * own `@Sse()` would otherwise number them 1, 2, ... per connection).
     */
    public lastId: string | undefined,
  ) {}

  /** Holds live events back until `endReplay`. */
  beginReplay(): void {
    this.pending = [];
  }

  /** Sends the replayed events, then what arrived meanwhile, without duplicates. */
  endReplay(replayed: readonly StoredEvent[]): void {
    const held = this.pending ?? [];
    this.pending = undefined;
    for (const event of replayed) this.deliver(event);
    for (const event of held) this.deliver(event);
  }

  deliver(event: StoredEvent): void {
    if (this.pending) {
      this.pending.push(event);
    } else if (event.seq > this.lastSeq) {
      this.lastSeq = event.seq;
      this.lastId = event.id;
      this.subscriber.next(event.frame);
    }
  }

  send(frame: SseFrame): void {
    this.subscriber.next(frame);
  }

  fail(err: unknown): void {
    this.subscriber.error(err);
  }

  complete(): void {
    this.subscriber.complete();
  }
}

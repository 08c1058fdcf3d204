import type { Subscriber } from 'rxjs';
import type { SseFrame } from './sse-frame.js';
import type { StoredEvent } from './sse-event.js';

/** One open broadcast stream, as `BroadcastService` tracks it. */
export class BroadcastClient {
  /** Live events that arrived while history was being replayed, in order. */
  private pending: StoredEvent[] | undefined;
  /** The highest `seq` this client was sent, to skip what replay already covered. */
  private lastSeq = -1;

  constructor(
    readonly id: string,
    readonly channels: readonly string[],
    private readonly subscriber: Subscriber<SseFrame>,
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

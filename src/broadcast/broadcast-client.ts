import type { Unsubscribable } from 'rxjs';
import type { KeepAliveTimer } from '../framing/keep-alive-timer.js';
import type { SseFrame } from '../framing/sse-frame.js';
import type { FrameSink } from '../streaming/frame-sink.js';
import type { StoredEvent } from '../transports/transport-event.js';

/** What every client shares of the `BroadcastService` that tracks it. */
export interface ClientTracker {
  /** The service's keep-alive timer, whose tick a client notes at each frame. */
  readonly keepAlive: KeepAliveTimer;
  /** Stops tracking `client`: its stream ended or was unsubscribed. */
  release(client: BroadcastClient): void;
}

/**
 * One open broadcast stream, as `BroadcastService` tracks it. Unsubscribing
 * it ends the tracking (what the stream's subscription, or the served
 * stream connected to it, does at its end).
 */
export class BroadcastClient implements Unsubscribable {
  /** Live events that arrived while history was being replayed, in order. */
  private pending: StoredEvent[] | undefined;
  /** The highest `seq` this client was sent, to skip what replay already covered. */
  private lastSeq = -1;
  /** The keep-alive tick of the last frame sent. */
  private writtenIn: number;

  constructor(
    readonly id: string,
    readonly channels: readonly string[],
    /** Whose stream it is (the `identify` option); undefined when anonymous. */
    readonly user: string | undefined,
    private readonly sink: FrameSink,
    /**
     * The id the client holds as its last event id: the one it reconnected
     * with, or the newest event at connect time, then each event it is sent.
     * Frames that are not events (`connected`, `history-gap`, the shutdown
     * `retry`) carry it, so they never move the client's position (Nest's
     * own `@Sse()` would otherwise number them 1, 2, ... per connection).
     */
    public lastId: string | undefined,
    private readonly tracker: ClientTracker,
    /**
     * The sink keeps its connection alive itself (a served stream connected
     * straight to it): the service's keep-alive passes it by.
     */
    readonly keptAliveBySink: boolean,
  ) {
    this.writtenIn = tracker.keepAlive.tick;
  }

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
      this.send(event.frame);
    }
  }

  send(frame: SseFrame): void {
    this.writtenIn = this.tracker.keepAlive.tick;
    this.sink.next(frame);
  }

  /** Sends `frame` if nothing was sent for most of the keep-alive interval. */
  keepAlive(frame: SseFrame): void {
    if (!this.keptAliveBySink && this.tracker.keepAlive.isDue(this.writtenIn)) {
      this.send(frame);
    }
  }

  fail(err: unknown): void {
    this.sink.error(err);
    this.tracker.release(this);
  }

  complete(): void {
    this.sink.complete();
    this.tracker.release(this);
  }

  unsubscribe(): void {
    this.tracker.release(this);
  }
}

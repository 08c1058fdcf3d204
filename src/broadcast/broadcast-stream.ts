import type { Subscriber, TeardownLogic, Unsubscribable } from 'rxjs';
import { Observable } from 'rxjs';
import type { SseFrame } from '../framing/sse-frame.js';
import type { FrameSink, SinkSource } from '../streaming/frame-sink.js';
import { CONNECT_SINK } from '../streaming/frame-sink.js';

/**
 * Opens one client over `sink` (`BroadcastService`): `keptAliveBySink` when
 * the sink is a served connection, which sends its own keep-alive.
 */
export type ClientOpener = (
  channels: readonly string[],
  lastEventId: string | undefined,
  user: string | undefined,
  sink: FrameSink,
  keptAliveBySink: boolean,
) => Unsubscribable;

/**
 * What `BroadcastService.stream()` returns: an Observable (for Nest's own
 * `@Sse()`, operators, tests) that `@SseRoute()` also connects straight to
 * its connection (`CONNECT_SINK`). Either way the client opens once the
 * asynchronous `authorize` verdict and `identify` answer, if any, settled.
 */
export class BroadcastStream
  extends Observable<SseFrame>
  implements SinkSource
{
  constructor(
    private readonly openClient: ClientOpener,
    private readonly channels: readonly string[],
    private readonly lastEventId: string | undefined,
    /** Whose stream it is; set when `verdict` settles, if there is one. */
    public user: string | undefined,
    /** Settles once `authorize` allowed the stream and `identify` said whose it is. */
    private readonly verdict: Promise<void> | undefined,
  ) {
    // A shared function, not a closure per stream: rxjs calls it with the
    // Observable as `this`.
    super(subscribeToBroadcast);
  }

  [CONNECT_SINK](sink: FrameSink): Unsubscribable {
    return this.open(sink, true);
  }

  /** @internal The client over `sink`, once authorized. */
  open(sink: FrameSink, keptAliveBySink: boolean): Unsubscribable {
    if (!this.verdict) {
      return this.openClient(
        this.channels,
        this.lastEventId,
        this.user,
        sink,
        keptAliveBySink,
      );
    }
    let client: Unsubscribable | undefined;
    let cancelled = false;
    this.verdict.then(
      () => {
        if (!cancelled) {
          client = this.openClient(
            this.channels,
            this.lastEventId,
            this.user,
            sink,
            keptAliveBySink,
          );
        }
      },
      (refusal: unknown) => {
        if (!cancelled) sink.error(refusal);
      },
    );
    return {
      unsubscribe: () => {
        cancelled = true;
        client?.unsubscribe();
      },
    };
  }
}

function subscribeToBroadcast(
  this: Observable<SseFrame>,
  subscriber: Subscriber<SseFrame>,
): TeardownLogic {
  return (this as BroadcastStream).open(subscriber, false);
}

import { Subject } from 'rxjs';
import type {
  OutgoingEvent,
  ReplayResult,
  StoredEvent,
} from './transport-event.js';
import { ErrorMessages } from '../errors/error-messages.js';
import { SseFrame } from '../framing/sse-frame.js';
import { DEFAULT_HISTORY_SIZE } from '../sse.constants.js';
import { EventHistory } from './event-history.js';
import { SseTransport } from './sse.transport.js';

/** Options of `InMemoryTransport`. */
export interface InMemoryTransportOptions {
  /** Events kept for replay after `Last-Event-ID`; `0` keeps none. @default 1000 */
  historySize?: number;
  /**
   * The first event's `seq`. Defaults to the start time in µs, so the ids
   * of a restarted process are above those of the previous one and an id
   * from before the restart reads as `expired`, not as a later event.
   */
  firstSeq?: number;
}

/**
 * One process: events go through an RxJS `Subject`, history is a ring
 * buffer. The default transport.
 */
export class InMemoryTransport extends SseTransport {
  private readonly subject = new Subject<StoredEvent>();
  private readonly history: EventHistory;
  private nextSeq: number;
  /** The id of the last event, or the position before the first one. */
  private headId: string;

  readonly events$ = this.subject.asObservable();

  constructor(options: InMemoryTransportOptions = {}) {
    super();
    const historySize = options.historySize ?? DEFAULT_HISTORY_SIZE;
    if (!Number.isSafeInteger(historySize) || historySize < 0) {
      throw new TypeError(
        ErrorMessages.badNumberOption(
          'InMemoryTransport',
          'historySize',
          'an integer of at least 0',
          historySize,
        ),
      );
    }
    this.history = new EventHistory(historySize);
    this.nextSeq = options.firstSeq ?? Date.now() * 1000;
    this.headId = String(this.nextSeq - 1);
  }

  head(): string {
    return this.headId;
  }

  publish(event: OutgoingEvent): Promise<StoredEvent> {
    const seq = this.nextSeq++;
    const id = event.id ?? String(seq);
    const stored: StoredEvent = {
      seq,
      id,
      event: event.event,
      channel: event.channel,
      user: event.user,
      exceptUser: event.exceptUser,
      exceptClient: event.exceptClient,
      frame: SseFrame.from({ id, type: event.event, data: event.data }),
    };
    this.history.append(stored);
    this.headId = id;
    this.subject.next(stored);
    return Promise.resolve(stored);
  }

  replay(
    lastEventId: string,
    channels: readonly string[],
    user?: string,
  ): Promise<ReplayResult> {
    return Promise.resolve(
      this.history.after(lastEventId, { channels, user }, this.nextSeq - 1),
    );
  }
}

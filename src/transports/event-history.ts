import type { StreamAudience } from './event-audience.js';
import { isAddressedTo } from './event-audience.js';
import type { ReplayResult, StoredEvent } from './transport-event.js';

/** A bounded, ordered log of stored events: the newest `capacity` are kept. */
export class EventHistory {
  private readonly ring: (StoredEvent | undefined)[];
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array(capacity);
  }

  append(event: StoredEvent): void {
    if (this.capacity === 0) return;
    const end = (this.start + this.size) % this.capacity;
    this.ring[end] = event;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The kept events, oldest first. */
  toArray(): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (let i = 0; i < this.size; i++) {
      out.push(this.ring[(this.start + i) % this.capacity]!);
    }
    return out;
  }

  /**
   * What follows `lastEventId` for a stream of `audience` (its channels and
   * user: see `isAddressedTo`); `lastSeq` is
   * the last `seq` issued (seqs are consecutive). An id that is in history
   * gives the events after it. A decimal that is not is a position (a
   * transport's `head()` before its first event, or an evicted event): when
   * the event after it is still kept, or none came since, nothing is
   * missing; when events after it were evicted (or it is from before this
   * transport), it is `expired` and the whole history follows. Anything else,
   * such as a decimal above `lastSeq`, is `unknown` (nothing replayed).
   */
  after(
    lastEventId: string,
    audience: StreamAudience,
    lastSeq: number,
  ): ReplayResult {
    const kept = this.toArray();
    const visible = (e: StoredEvent) => isAddressedTo(e, audience);
    let index = -1;
    for (let i = kept.length - 1; i >= 0; i--) {
      if (kept[i].id === lastEventId) {
        index = i;
        break;
      }
    }
    if (index >= 0) return { events: kept.slice(index + 1).filter(visible) };
    // Default ids are start-time µs: 16 digits, still safe integers.
    const seq =
      /^\d+$/.test(lastEventId) && Number.isSafeInteger(Number(lastEventId))
        ? Number(lastEventId)
        : NaN;
    if (!(seq <= lastSeq)) return { events: [], gap: 'unknown' };
    const oldest = kept[0]?.seq ?? lastSeq + 1;
    if (seq + 1 >= oldest) {
      return { events: kept.filter((e) => e.seq > seq && visible(e)) };
    }
    return { events: kept.filter(visible), gap: 'expired' };
  }
}

import type { Observable } from 'rxjs';
import { LocalPresenceTracker } from '../presence/local-presence-tracker.js';
import type { PresenceTracker } from '../presence/presence-tracker.js';
import type { LocalPresence } from '../presence/presence.types.js';
import type {
  OutgoingEvent,
  ReplayResult,
  StoredEvent,
} from './transport-event.js';

/**
 * Carries events from publishers to streams and keeps the replay history.
 * It is both the contract a transport implements and the token Nest injects
 * (`InMemoryTransport` by default; a Redis one for several instances).
 */
export abstract class SseTransport {
  /**
   * Every stored event from every publisher of this transport, once each, in
   * `seq` order. Hot: it emits from subscription on.
   */
  abstract readonly events$: Observable<StoredEvent>;

  /**
   * Assigns the event its `seq`/`id`, encodes its frame once, stores it in
   * history and fans it out. Resolves once `events$` has emitted it locally.
   */
  abstract publish(event: OutgoingEvent): Promise<StoredEvent>;

  /**
   * The position a new subscriber of `events$` starts from: the id of the
   * last event `events$` emitted, or, before the first one, a position that
   * precedes every event still to come. Every stream's first frame carries
   * it as its `id:`, so a client that drops before any event arrived still
   * reconnects with a `Last-Event-ID`, and `replay(head())` gives exactly
   * what came after it, without a gap notice.
   */
  abstract head(): string;

  /**
   * The events after `lastEventId` that a stream of `channels` and `user`
   * receives, oldest first: events without a channel always count; an event
   * addressed to a user only for that user, one sent to everyone except a
   * user never for that user (`isAddressedTo`).
   */
  abstract replay(
    lastEventId: string,
    channels: readonly string[],
    user?: string,
  ): Promise<ReplayResult>;

  /**
   * Who is connected: called once by `SsePresence` with this instance's
   * streams. A transport shared by several instances returns a tracker that
   * counts them all; this default counts this process only.
   */
  trackPresence(local: LocalPresence): PresenceTracker {
    return new LocalPresenceTracker(local);
  }
}

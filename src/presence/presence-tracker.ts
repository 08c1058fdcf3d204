import type { Observable } from 'rxjs';
import type { PresenceCounts, UserPresenceChange } from './presence.types.js';

/**
 * Who is connected across every instance sharing a transport: the part of
 * the transport contract that `SsePresence` reads. `SseTransport.trackPresence()`
 * makes one; the default counts this process only (`LocalPresenceTracker`),
 * `RedisTransport` sums the counts every instance keeps in Redis.
 */
export abstract class PresenceTracker {
  /** Users coming online (first stream) and going offline (last stream closed), across instances. */
  abstract readonly userChanges$: Observable<UserPresenceChange>;

  /** Streams open on every instance: in all, per channel, distinct users. */
  abstract counts(): Promise<PresenceCounts>;

  /** Open streams of `user` on every instance (0: offline). */
  abstract streamsOf(user: string): Promise<number>;

  /** Stops tracking: this instance's streams no longer count (its users go offline unless connected elsewhere). */
  abstract close(): Promise<void>;
}

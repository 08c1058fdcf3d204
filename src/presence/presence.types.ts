import type { Observable } from 'rxjs';
import type { ClientChange } from '../broadcast/broadcast-stream.types.js';

/** Open broadcast streams: in all, per channel, and how many distinct users hold them. */
export interface PresenceCounts {
  /** Open broadcast streams. */
  connected: number;
  /** Subscribers per channel (channels without any are left out). */
  channels: Record<string, number>;
  /** Distinct users with at least one open stream (anonymous streams are not users). */
  users: number;
}

/** A user's first stream opening (`online`) or last stream closing (`offline`). */
export interface UserPresenceChange {
  type: 'online' | 'offline';
  user: string;
}

/** The streams of this instance, in the detail a presence tracker shares. */
export interface PresenceSnapshot {
  connected: number;
  channels: Record<string, number>;
  /** Open streams per user. */
  users: Record<string, number>;
}

/**
 * What a `PresenceTracker` reads from this instance: `BroadcastService`
 * provides it.
 */
export interface LocalPresence {
  /** Every connect and disconnect of a broadcast stream of this instance, with its user. */
  readonly clientChanges$: Observable<ClientChange>;
  /** This instance's streams now. */
  presenceSnapshot(): PresenceSnapshot;
  /** Open streams of `user` on this instance. */
  localStreamsOf(user: string): number;
}

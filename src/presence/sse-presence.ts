import type { OnApplicationShutdown } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { BroadcastService } from '../broadcast/broadcast.service.js';
import { SseTransport } from '../transports/sse.transport.js';
import type { PresenceTracker } from './presence-tracker.js';
import type { PresenceCounts, UserPresenceChange } from './presence.types.js';

/**
 * Who is connected to the broadcast streams, across every instance that
 * shares the transport: in-memory, this process; with `RedisTransport`,
 * every live instance (each keeps its own counts in Redis with a heartbeat,
 * so one that dies without a goodbye drops out within `presenceTtlMs`).
 * Users are what the `identify` option says.
 */
@Injectable()
export class SsePresence implements OnApplicationShutdown {
  private readonly tracker: PresenceTracker;

  /**
   * A user's first stream opening anywhere (`online`) and their last one
   * closing everywhere (`offline`). Hot: from subscription on.
   */
  readonly userChanges$: Observable<UserPresenceChange>;

  constructor(
    private readonly broadcast: BroadcastService,
    transport: SseTransport,
  ) {
    this.tracker = transport.trackPresence(broadcast);
    this.userChanges$ = this.tracker.userChanges$;
  }

  /**
   * Open broadcast streams on every instance: in all, per channel, and the
   * distinct users holding them. Rejects with `TransportUnavailableException`
   * (503) when the shared store cannot be read.
   */
  counts(): Promise<PresenceCounts> {
    return this.tracker.counts();
  }

  /** The same counts for this instance alone, at once. */
  get local(): PresenceCounts {
    const { connected, channels, users } = this.broadcast.presenceSnapshot();
    return { connected, channels, users: Object.keys(users).length };
  }

  /** Open streams of `user` on every instance. */
  streamsOf(user: string): Promise<number> {
    return this.tracker.streamsOf(user);
  }

  /** Whether `user` has at least one open stream on some instance. */
  async isOnline(user: string): Promise<boolean> {
    return (await this.tracker.streamsOf(user)) > 0;
  }

  /**
   * Stops tracking after the streams were closed (`BroadcastService`
   * closes them in `onModuleDestroy`), before the transport disconnects.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.tracker.close();
  }
}

import type { Subscription } from 'rxjs';
import { Subject } from 'rxjs';
import { PresenceTracker } from './presence-tracker.js';
import type {
  LocalPresence,
  PresenceCounts,
  UserPresenceChange,
} from './presence.types.js';

/**
 * Presence of one process, read straight from its `BroadcastService`: the
 * tracker of `InMemoryTransport` (and of any transport that does not share
 * presence). A user is online from their first stream to their last.
 */
export class LocalPresenceTracker extends PresenceTracker {
  private readonly changes = new Subject<UserPresenceChange>();
  private readonly subscription: Subscription;

  readonly userChanges$ = this.changes.asObservable();

  constructor(private readonly local: LocalPresence) {
    super();
    // Changes are reported after the stream was added or removed.
    this.subscription = local.clientChanges$.subscribe(({ type, user }) => {
      if (user === undefined) return;
      const streams = local.localStreamsOf(user);
      if (type === 'connect' && streams === 1) {
        this.changes.next({ type: 'online', user });
      } else if (type === 'disconnect' && streams === 0) {
        this.changes.next({ type: 'offline', user });
      }
    });
  }

  counts(): Promise<PresenceCounts> {
    const { connected, channels, users } = this.local.presenceSnapshot();
    return Promise.resolve({
      connected,
      channels,
      users: Object.keys(users).length,
    });
  }

  streamsOf(user: string): Promise<number> {
    return Promise.resolve(this.local.localStreamsOf(user));
  }

  close(): Promise<void> {
    this.subscription.unsubscribe();
    this.changes.complete();
    return Promise.resolve();
  }
}

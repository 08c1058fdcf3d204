import type { ChannelLike, LockManagerLike } from './browser-apis.js';
import { channelConstructor, lockManager, randomId } from './browser-apis.js';
import type { StreamState } from './event-stream-reader.js';
import { EventStreamReader } from './event-stream-reader.js';
import { RecentEvents } from './recent-events.js';
import type { LinkHandlers, LinkTarget, StreamLink } from './stream-link.js';
import { streamKey } from './stream-link.js';
import type { TabMessage } from './tab-messages.js';
import type { MessageEventLike } from './typed-event-source.js';

/** A joining tab asks again this often until the leader answers (ms). */
const HELLO_EVERY_MS = 250;
/**
 * A tab that takes over waits this long before it connects, so that the
 * last events the old leader relayed reach every tab first (ms).
 */
const SETTLE_MS = 150;

/**
 * Tabs sharing a stream without a SharedWorker: the tab that holds the
 * stream's Web Lock leads, reads the stream and relays each event over a
 * BroadcastChannel; the others follow. When the leader goes, the lock
 * passes to the next tab, which resumes from the last id it received: the
 * server replays what came meanwhile, and the event numbers drop anything
 * a tab already had.
 */
export class TabElectionLink implements StreamLink {
  private readonly tabId = randomId();
  private readonly channel: ChannelLike;
  private readonly abort = new AbortController();
  private synced = false;
  private closed = false;
  private epoch = 0;
  private n = 0;
  private lastEventId: string;
  private state: StreamState = 'connecting';
  private reason?: string;
  private reader?: EventStreamReader;
  private recent?: RecentEvents;
  private release?: () => void;
  private helloTimer?: ReturnType<typeof setTimeout>;

  /** True when this browser has Web Locks and BroadcastChannel. */
  static available(): boolean {
    return !!lockManager() && !!channelConstructor();
  }

  constructor(
    private readonly target: LinkTarget,
    private readonly handlers: LinkHandlers,
  ) {
    const Channel = channelConstructor();
    const locks = lockManager();
    if (!Channel || !locks) throw new Error('no Web Locks or BroadcastChannel');
    this.lastEventId = target.lastEventId;
    this.channel = new Channel(streamKey(target));
    this.channel.addEventListener('message', ({ data }) =>
      this.receive(data as TabMessage),
    );
    handlers.onRole('follower');
    this.requestLead(locks);
    this.hello();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.helloTimer);
    this.abort.abort();
    this.reader?.close();
    this.release?.();
    this.channel.close();
  }

  private requestLead(locks: LockManagerLike): void {
    locks
      .request(streamKey(this.target), { signal: this.abort.signal }, () =>
        this.lead(),
      )
      // Aborted by close() while waiting for the lock: nothing to do.
      .catch(() => undefined);
  }

  /** Holds the lock: reads the stream for every tab until close(). */
  private async lead(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.helloTimer);
    this.handlers.onRole('leader');
    const released = new Promise<void>((resolve) => (this.release = resolve));
    // A follower that takes over lets the old leader's last words land.
    if (this.synced) await sleep(SETTLE_MS);
    if (this.closed) return;
    this.synced = true;
    this.epoch = Math.max(this.epoch + 1, Date.now());
    this.recent = new RecentEvents(this.lastEventId);
    this.reader = new EventStreamReader(this.target.url, {
      lastEventId: this.lastEventId,
      withCredentials: this.target.withCredentials,
      onEvent: (event) => {
        const n = ++this.n;
        this.recent?.add({ n, event });
        this.post({ kind: 'event', epoch: this.epoch, n, event });
        this.deliver(event);
      },
      onState: (state, reason) => {
        this.post({ kind: 'state', epoch: this.epoch, state, reason });
        this.setState(state, reason);
      },
    });
    return released;
  }

  private receive(message: TabMessage): void {
    if (this.closed) return;
    if (message.kind === 'hello') {
      if (!this.reader) return; // not leading (yet): the tab asks again
      const replay = this.recent?.after(message.lastEventId) ?? null;
      this.post({
        kind: 'welcome',
        to: message.from,
        epoch: this.epoch,
        n: this.n,
        lastEventId: this.lastEventId,
        state: this.state,
        reason: this.reason,
        replay,
      });
      return;
    }
    // Words of a leader: the leader itself reads, and a tab that has not
    // been welcomed yet does not know where it stands.
    if (this.reader) return;
    if (message.kind === 'welcome') {
      if (message.to !== this.tabId || this.synced) return;
      this.synced = true;
      clearTimeout(this.helloTimer);
      for (const { event } of message.replay ?? []) this.deliver(event);
      this.epoch = message.epoch;
      this.n = message.n;
      this.lastEventId = message.lastEventId;
      this.setState(message.state, message.reason);
      return;
    }
    if (!this.synced || message.epoch < this.epoch) return;
    if (message.kind === 'state') {
      this.epoch = message.epoch;
      this.setState(message.state, message.reason);
    } else if (message.n > this.n) {
      this.epoch = message.epoch;
      this.n = message.n;
      this.deliver(message.event);
    }
  }

  private deliver(event: MessageEventLike): void {
    this.lastEventId = event.lastEventId;
    this.handlers.onEvent(event);
  }

  private setState(state: StreamState, reason?: string): void {
    this.state = state;
    this.reason = reason;
    this.handlers.onState(state, reason);
  }

  /** Asks the leader for the position until it answers or this tab leads. */
  private hello(): void {
    if (this.closed || this.synced || this.reader) return;
    this.post({
      kind: 'hello',
      from: this.tabId,
      lastEventId: this.lastEventId,
    });
    this.helloTimer = setTimeout(() => this.hello(), HELLO_EVERY_MS);
  }

  private post(message: TabMessage): void {
    this.channel.postMessage(message);
  }
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

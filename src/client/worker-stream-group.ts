import type { PortLike } from './browser-apis.js';
import type { StreamState } from './event-stream-reader.js';
import { EventStreamReader } from './event-stream-reader.js';
import { RecentEvents } from './recent-events.js';
import type { LinkTarget } from './stream-link.js';
import type { FromWorker } from './worker-messages.js';

/**
 * One stream as the SharedWorker reads it: one connection for every tab
 * port subscribed to it, opened for the first and closed after the last.
 */
export class WorkerStreamGroup {
  private readonly ports = new Set<PortLike>();
  private reader?: EventStreamReader;
  private recent?: RecentEvents;
  private n = 0;
  private state: StreamState = 'connecting';
  private reason?: string;

  constructor(private readonly target: Omit<LinkTarget, 'lastEventId'>) {}

  /**
   * Subscribes `port`. The first one opens the connection from its own
   * position; a later one gets the state and the kept events after its
   * position (none if it has none), then the live ones.
   */
  join(port: PortLike, lastEventId: string): void {
    this.ports.add(port);
    if (!this.reader) return this.open(lastEventId);
    send(port, { type: 'state', state: this.state, reason: this.reason });
    for (const { event } of this.recent?.after(lastEventId) ?? []) {
      send(port, { type: 'event', event });
    }
  }

  /** Unsubscribes `port`; true when it was the last (the group is done). */
  leave(port: PortLike): boolean {
    if (!this.ports.delete(port)) return false;
    if (this.ports.size > 0) return false;
    this.reader?.close();
    return true;
  }

  private open(lastEventId: string): void {
    this.recent = new RecentEvents(lastEventId);
    this.reader = new EventStreamReader(this.target.url, {
      lastEventId,
      withCredentials: this.target.withCredentials,
      onEvent: (event) => {
        this.recent?.add({ n: ++this.n, event });
        for (const port of this.ports) send(port, { type: 'event', event });
      },
      onState: (state, reason) => {
        this.state = state;
        this.reason = reason;
        for (const port of this.ports)
          send(port, { type: 'state', state, reason });
      },
    });
  }
}

const send = (port: PortLike, message: FromWorker) => port.postMessage(message);

import { sharedWorkerConstructor } from './browser-apis.js';
import type { StreamState } from './event-stream-reader.js';
import { EventStreamReader, readyStateOf } from './event-stream-reader.js';
import type { LinkTarget, SharingRole, StreamLink } from './stream-link.js';
import { TabElectionLink } from './tab-election-link.js';
import type {
  EventSourceLike,
  MessageEventLike,
} from './typed-event-source.js';
import { WorkerLink } from './worker-link.js';

/** Options of a `SharedEventSource`. */
export interface SharedEventSourceOptions {
  /**
   * Share one connection among all tabs of this origin that read the same
   * URL (default `true`). `false`: this tab reads over a connection of its
   * own.
   */
  shared?: boolean;
  /**
   * How to share: `'worker'` (a SharedWorker holds the connection) or
   * `'tabs'` (one tab, elected with Web Locks, relays over a
   * BroadcastChannel). Default: the worker where the browser has
   * SharedWorker, the tabs where it has Web Locks, else no sharing.
   */
  sharedBy?: 'worker' | 'tabs';
  /**
   * Where this tab resumes (sent as `Last-Event-ID` when it opens the
   * connection; a tab that joins a shared one gets the events after it
   * that the sharer still keeps, the last 256).
   */
  lastEventId?: string;
  /** Sends cookies to another origin too (`credentials: 'include'`). */
  withCredentials?: boolean;
  /**
   * The worker script, when the bundler moves it: the default is
   * `shared-event-source.worker.js` beside this module.
   */
  workerUrl?: string | URL;
}

type Listener = (event: MessageEventLike) => void;
type StateListener = (state: StreamState, reason?: string) => void;

/**
 * An event stream that the tabs of an origin can share: for up to six
 * tabs over HTTP/1.1 (the browser's connection limit per host) and for
 * fewer open streams on the server. Each subscription gets every event
 * once and in order; it works with `TypedEventSource` like an
 * `EventSource`, and `close()` ends this subscription only.
 *
 * ```ts
 * const prices = new TypedEventSource<PriceEvents>(
 *   new SharedEventSource('/sse/prices'),
 * );
 * prices.on('price', ({ data }) => show(data));
 * ```
 */
export class SharedEventSource implements EventSourceLike {
  /** The absolute stream URL. */
  readonly url: string;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly anyListeners = new Set<Listener>();
  private readonly stateListeners = new Set<StateListener>();
  private link?: StreamLink;
  private currentState: StreamState = 'connecting';
  private currentRole: SharingRole = 'own';
  private id: string;
  private readonly withCredentials: boolean;

  constructor(url: string | URL, options: SharedEventSourceOptions = {}) {
    const base = (globalThis as { location?: { href: string } }).location?.href;
    this.url = new URL(url, base).href;
    this.id = options.lastEventId ?? '';
    this.withCredentials = options.withCredentials ?? false;
    // Listeners are added after construction: start once they are.
    queueMicrotask(() => this.start(options));
  }

  /** CONNECTING (0), OPEN (1) or CLOSED (2), as in `EventSource`. */
  get readyState(): number {
    return readyStateOf(this.currentState);
  }

  /** Where the stream stands (`refused` and `reconnecting` try again). */
  get state(): StreamState {
    return this.currentState;
  }

  /** How this subscription reads: `own`, `worker`, `leader` or `follower`. */
  get role(): SharingRole {
    return this.currentRole;
  }

  /** The id of the last event received (or the one it resumed from). */
  get lastEventId(): string {
    return this.id;
  }

  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** Calls `listener` for every event, whatever its name; returns a stop function. */
  onEvent(listener: Listener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  /** Calls `listener` on each state and role change; returns a stop function. */
  onState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Ends this subscription; the shared connection lives on for the others. */
  close(): void {
    if (this.currentState === 'closed') return;
    this.link?.close();
    this.setState('closed');
  }

  private start(options: SharedEventSourceOptions): void {
    if (this.currentState === 'closed') return;
    const target: LinkTarget = {
      url: this.url,
      lastEventId: this.id,
      withCredentials: this.withCredentials,
    };
    const handlers = {
      onEvent: (event: MessageEventLike) => this.dispatch(event),
      onState: (state: StreamState, reason?: string) => {
        if (this.currentState !== 'closed') this.setState(state, reason);
      },
      onRole: (role: SharingRole) => {
        this.currentRole = role;
        this.notify(this.currentState);
      },
    };
    const shared = options.shared ?? true;
    const byWorker =
      shared && options.sharedBy !== 'tabs' && !!sharedWorkerConstructor();
    const byTabs = shared && options.sharedBy !== 'worker';
    const ownConnection = (): StreamLink => {
      handlers.onRole('own');
      return new EventStreamReader(this.url, { ...target, ...handlers });
    };
    const byElection = (): StreamLink =>
      byTabs && TabElectionLink.available()
        ? new TabElectionLink(target, handlers)
        : ownConnection();
    if (!byWorker) {
      this.link = byElection();
      return;
    }
    const workerUrl =
      options.workerUrl ??
      new URL('./shared-event-source.worker.js', import.meta.url);
    try {
      this.link = new WorkerLink(workerUrl, target, handlers, () => {
        // The worker script failed to load: share among tabs instead.
        if (this.currentState !== 'closed') this.link = byElection();
      });
    } catch {
      this.link = byElection();
    }
  }

  private dispatch(event: MessageEventLike): void {
    if (this.currentState === 'closed') return;
    this.id = event.lastEventId;
    const listeners = [
      ...(this.listeners.get(event.type) ?? []),
      ...this.anyListeners,
    ];
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        // As EventTarget does: reported, and the other listeners still run.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  private setState(state: StreamState, reason?: string): void {
    this.currentState = state;
    this.notify(state, reason);
  }

  private notify(state: StreamState, reason?: string): void {
    for (const listener of this.stateListeners) listener(state, reason);
  }
}

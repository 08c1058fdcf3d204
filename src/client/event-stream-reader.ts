import { createSseParser } from './sse-parser.js';
import type { MessageEventLike } from './typed-event-source.js';

/**
 * Where a stream stands: `connecting` (first try), `open`, `reconnecting`
 * (the connection dropped; it tries again after `retry`), `refused` (an
 * error status or a wrong content type; it tries again after
 * `errorRetryMs`), `stopped` (the server answered 204: nothing more to
 * read) or `closed` (closed by this side).
 */
export type StreamState =
  'connecting' | 'open' | 'reconnecting' | 'refused' | 'stopped' | 'closed';

/** `EventSource.readyState` for a state: CONNECTING 0, OPEN 1, CLOSED 2. */
export const readyStateOf = (state: StreamState): number =>
  state === 'open' ? 1 : state === 'stopped' || state === 'closed' ? 2 : 0;

/** How an `EventStreamReader` connects and whom it tells. */
export interface EventStreamReaderOptions {
  /** Sent as `Last-Event-ID` from the first request on. */
  lastEventId?: string;
  /** Sends cookies to another origin too (`credentials: 'include'`). */
  withCredentials?: boolean;
  /** Wait after a refusal before trying again (ms). Default 5000. */
  errorRetryMs?: number;
  onEvent(event: MessageEventLike): void;
  /** `reason`: the server's message, for `refused`. */
  onState(state: StreamState, reason?: string): void;
}

/** The wait before a reconnect when the server sent no `retry:` (ms). */
const DEFAULT_RETRY_MS = 2000;

/**
 * Reads an event stream over `fetch()` until `close()`, reconnecting as
 * `EventSource` does, with two differences the shared stream needs: it
 * sends `Last-Event-ID` on its first request already (a tab taking over
 * resumes where it was), and it reports every event, whatever its name.
 */
export class EventStreamReader {
  private retryMs = DEFAULT_RETRY_MS;
  private controller?: AbortController;
  private timer?: ReturnType<typeof setTimeout>;
  private closed = false;
  private id: string;

  constructor(
    readonly url: string,
    private readonly options: EventStreamReaderOptions,
  ) {
    this.id = options.lastEventId ?? '';
    void this.connect('connecting');
  }

  /** The last event id seen (or the one it started from). */
  get lastEventId(): string {
    return this.id;
  }

  /** Ends the connection; no more events, no reconnect. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.controller?.abort();
  }

  private async connect(state: StreamState): Promise<void> {
    if (this.closed) return;
    this.options.onState(state);
    const controller = new AbortController();
    this.controller = controller;
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (this.id) headers['last-event-id'] = this.id;
    let response: Response;
    try {
      const init = {
        headers,
        cache: 'no-store', // (a browser option: not in Node's RequestInit type)
        credentials: this.options.withCredentials ? 'include' : 'same-origin',
        signal: controller.signal,
      } as RequestInit;
      response = await fetch(this.url, init);
    } catch {
      return this.again('reconnecting', this.retryMs);
    }
    if (this.closed) return void controller.abort();
    if (response.status === 204) return this.options.onState('stopped');
    const type = response.headers.get('content-type') ?? '';
    if (
      !response.ok ||
      !type.startsWith('text/event-stream') ||
      !response.body
    ) {
      const answer = (await response.json().catch(() => ({}))) as {
        message?: string | string[];
      };
      const reason = [answer.message ?? `HTTP ${response.status}`].flat();
      this.options.onState('refused', reason.join('; '));
      return this.again(undefined, this.options.errorRetryMs ?? 5000);
    }
    this.options.onState('open');
    const parser = createSseParser(this.id, {
      onEvent: (event) => {
        this.id = event.lastEventId;
        if (!this.closed) this.options.onEvent(event);
      },
      onRetry: (ms) => (this.retryMs = ms),
    });
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // The connection dropped (or close() aborted it).
    }
    this.again('reconnecting', this.retryMs);
  }

  /** Tries again after `delayMs`, showing `state` meanwhile (if given). */
  private again(state: StreamState | undefined, delayMs: number): void {
    if (this.closed) return;
    if (state) this.options.onState(state);
    this.timer = setTimeout(() => void this.connect('reconnecting'), delayMs);
  }
}

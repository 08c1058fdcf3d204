// An SSE reader over fetch(), for the broadcast panel. EventSource hands a
// named event (`event: notice`) only to listeners registered for that name,
// and a relay stream can carry any name; this reader reports every event.
// It parses the stream as the WHATWG spec says, sends `Last-Event-ID`
// itself (also on the first request, to resume after a page reload) and
// reconnects after `retry` milliseconds, as EventSource would.

/** Turns text chunks into events; fields and line endings per the spec. */
export function createParser({ onEvent, onRetry }) {
  let pending = '';
  let started = false;
  let eventName = '';
  let data = [];
  let lastEventId = '';

  const line = (text) => {
    if (text === '') {
      if (data.length > 0) {
        onEvent({
          type: eventName || 'message',
          data: data.join('\n'),
          lastEventId,
        });
      }
      eventName = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return; // a comment (keep-alive)
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventName = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) onRetry(Number(value));
  };

  return {
    feed(chunk) {
      let text = pending + chunk;
      if (!started && text.length > 0) {
        started = true;
        if (text.startsWith('\uFEFF')) text = text.slice(1);
      }
      // A CR at the end may be the first half of a CRLF: keep it for later.
      const heldCr = text.endsWith('\r');
      if (heldCr) text = text.slice(0, -1);
      const lines = text.split(/\r\n|\r|\n/);
      pending = lines.pop() + (heldCr ? '\r' : '');
      for (const l of lines) line(l);
    },
    /** The stream's last event id (what goes back as Last-Event-ID). */
    get lastEventId() {
      return lastEventId;
    },
  };
}

/**
 * Reads `url` until `close()`: `onEvent` for every event, `onState` with
 * `connecting`, `open`, `reconnecting`, `closed` (an error status, with the
 * server's message; it tries again after `errorRetryMs`) or `stopped` (the
 * server answered 204: nothing more to read).
 */
export class EventStream {
  constructor(url, { lastEventId = '', onEvent, onState, errorRetryMs }) {
    this.url = url;
    this.lastEventId = lastEventId;
    this.onEvent = onEvent;
    this.onState = onState;
    this.retryMs = 2000;
    this.errorRetryMs = errorRetryMs ?? 5000;
    this.controller = undefined;
    this.timer = undefined;
    this.closed = false;
    this.connect('connecting');
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.controller?.abort();
  }

  async connect(state) {
    if (this.closed) return;
    this.onState(state);
    const controller = new AbortController();
    this.controller = controller;
    const headers = { accept: 'text/event-stream' };
    if (this.lastEventId) headers['last-event-id'] = this.lastEventId;
    let response;
    try {
      response = await fetch(this.url, {
        headers,
        cache: 'no-store',
        signal: controller.signal,
      });
    } catch {
      return this.again('reconnecting', this.retryMs);
    }
    if (response.status === 204) return this.onState('stopped');
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !type.startsWith('text/event-stream')) {
      const answer = await response.json().catch(() => ({}));
      this.onState('closed', answer.message ?? `HTTP ${response.status}`);
      return this.again(undefined, this.errorRetryMs);
    }
    this.onState('open');
    const parser = createParser({
      onEvent: (event) => {
        this.lastEventId = event.lastEventId;
        this.onEvent(event);
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
  again(state, delayMs) {
    if (this.closed) return;
    if (state) this.onState(state);
    this.timer = setTimeout(() => this.connect('reconnecting'), delayMs);
  }
}

import type { MessageEventLike } from './typed-event-source.js';

/** What the parser reports besides events. */
export interface SseParserHandlers {
  onEvent(event: MessageEventLike): void;
  /** A `retry:` field: the reconnection delay the server asks for. */
  onRetry(ms: number): void;
}

/** Turns the text of one response into events. */
export interface SseParser {
  feed(chunk: string): void;
  /** The stream's last event id (what a reconnect sends as Last-Event-ID). */
  readonly lastEventId: string;
}

/**
 * An event-stream parser as the WHATWG spec describes it: CRLF, LF or CR
 * line ends (split across chunks too), a leading BOM, comments, `id`
 * without NUL, digits-only `retry`. `lastEventId` starts at the id the
 * connection resumed from, so an event without an id of its own carries
 * it, as it would in an `EventSource`.
 */
export function createSseParser(
  lastEventId: string,
  { onEvent, onRetry }: SseParserHandlers,
): SseParser {
  let pending = '';
  let started = false;
  let eventName = '';
  let data: string[] = [];

  const line = (text: string) => {
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
      pending = (lines.pop() ?? '') + (heldCr ? '\r' : '');
      for (const l of lines) line(l);
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}

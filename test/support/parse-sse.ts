import type { EventSourceMessage } from 'eventsource-parser';
import { createParser } from 'eventsource-parser';

/** What a spec-conforming parser reads from a byte stream. */
export interface ParsedStream {
  events: EventSourceMessage[];
  comments: string[];
  retries: number[];
  /** Every callback in arrival order, to check how fields interleave. */
  sequence: (
    | { kind: 'event'; event: EventSourceMessage }
    | { kind: 'comment'; text: string }
    | { kind: 'retry'; ms: number }
  )[];
}

/**
 * Feeds `chunks` (bytes, possibly cut inside a UTF-8 sequence) through a
 * streaming UTF-8 decoder into `eventsource-parser`, as a browser would.
 */
export function parseSse(chunks: Iterable<Uint8Array>): ParsedStream {
  const out: ParsedStream = {
    events: [],
    comments: [],
    retries: [],
    sequence: [],
  };
  const parser = createParser({
    onEvent: (event) => {
      out.events.push(event);
      out.sequence.push({ kind: 'event', event });
    },
    onComment: (text) => {
      out.comments.push(text);
      out.sequence.push({ kind: 'comment', text });
    },
    onRetry: (ms) => {
      out.retries.push(ms);
      out.sequence.push({ kind: 'retry', ms });
    },
  });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const chunk of chunks) {
    parser.feed(decoder.decode(chunk, { stream: true }));
  }
  parser.feed(decoder.decode());
  return out;
}

/** The same for one buffer (or several frames' bytes, concatenated). */
export const parseSseBytes = (...buffers: Uint8Array[]): ParsedStream =>
  parseSse([Buffer.concat(buffers)]);

/** What the WHATWG parser makes of a `data` payload: CRLF and CR become LF. */
export const normalizeLineBreaks = (text: string): string =>
  text.replace(/\r\n|\r/g, '\n');

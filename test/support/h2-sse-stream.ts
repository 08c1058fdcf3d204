import type {
  ClientHttp2Session,
  ClientHttp2Stream,
  IncomingHttpHeaders,
} from 'node:http2';
import { connect, constants } from 'node:http2';
import type { EventSourceMessage } from 'eventsource-parser';
import { createParser } from 'eventsource-parser';
import { Wakeups } from './wait.js';

/** An HTTP/2 session to a server with a self-signed certificate. */
export function h2Session(origin: string): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = connect(origin, { rejectUnauthorized: false });
    session.once('connect', () => {
      session.off('error', reject);
      resolve(session);
    });
    session.once('error', reject);
  });
}

/** One request on `session`: status, headers and the body as text. */
export function h2Request(
  session: ClientHttp2Session,
  path: string,
  { method = 'GET', body }: { method?: string; body?: unknown } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':path': path,
      ':method': method,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    });
    let headers: IncomingHttpHeaders = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (headers = h));
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () =>
      resolve({ status: Number(headers[':status']), headers, text }),
    );
    stream.on('error', reject);
    stream.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * An SSE stream read as one HTTP/2 stream of a session (many share it).
 * Every wait is bounded.
 */
export class H2SseStream {
  readonly events: EventSourceMessage[] = [];
  raw = '';
  headers: IncomingHttpHeaders = {};
  ended = false;
  /** The RST_STREAM code the server closed it with (0 for a clean end). */
  rstCode: number | undefined;
  private readonly wakeups = new Wakeups();

  constructor(readonly stream: ClientHttp2Stream) {
    const parser = createParser({
      onEvent: (event) => {
        this.events.push(event);
        this.wake();
      },
    });
    stream.setEncoding('utf8');
    stream.on('response', (headers) => {
      this.headers = headers;
      this.wake();
    });
    stream.on('data', (chunk: string) => {
      this.raw += chunk;
      parser.feed(chunk);
    });
    stream.on('close', () => {
      this.ended = true;
      this.rstCode = stream.rstCode;
      this.wake();
    });
    stream.on('error', () => undefined);
  }

  /** Opens `path` on `session` (with `Last-Event-ID` when given). */
  static open(
    session: ClientHttp2Session,
    path: string,
    lastEventId?: string,
  ): H2SseStream {
    return new H2SseStream(
      session.request({
        ':path': path,
        accept: 'text/event-stream',
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      }),
    );
  }

  /** Stops reading: the stream's flow-control window fills up. */
  pause(): void {
    this.stream.pause();
  }

  /** Resets the stream, as a browser does when a tab closes its EventSource. */
  reset(): void {
    this.stream.close(constants.NGHTTP2_CANCEL);
  }

  /** Resolves once `condition` holds; fails after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs = 5000, what = 'a condition') {
    return this.wakeups.until(condition, timeoutMs, what);
  }

  /** The ids of the events named `event`, in order. */
  idsOf(event: string): string[] {
    return this.events.filter((e) => e.event === event).map((e) => e.id ?? '');
  }

  private wake(): void {
    this.wakeups.wake();
  }
}

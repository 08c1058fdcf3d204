import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { EventSourceMessage } from 'eventsource-parser';
import { createParser } from 'eventsource-parser';
import { Wakeups } from './wait.js';

/** An event as read off the wire, with the `retry` and comments seen before it. */
export interface ReadEvent extends EventSourceMessage {
  retry?: number;
}

/**
 * A raw SSE client over node:http, for what EventSource hides: status,
 * headers, comments, `retry` and the exact bytes. Every wait is bounded.
 */
export class SseReader {
  readonly events: ReadEvent[] = [];
  readonly comments: string[] = [];
  raw = '';
  ended = false;
  private readonly wakeups = new Wakeups();
  private pendingRetry: number | undefined;

  private constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    private readonly destroy: () => void,
  ) {}

  /** Opens a stream; resolves once the status and headers arrived. */
  static open(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      // HTTPS for an https URL (HTTP/1.1, any certificate accepted).
      const request = url.startsWith('https:') ? httpsRequest : httpRequest;
      const req = request(
        url,
        {
          headers: { accept: 'text/event-stream', ...headers },
          rejectUnauthorized: false,
        },
        (res) => {
          const reader = new SseReader(res.statusCode ?? 0, res.headers, () =>
            req.destroy(),
          );
          const parser = createParser({
            onEvent: (event) => {
              reader.events.push({ ...event, retry: reader.pendingRetry });
              reader.pendingRetry = undefined;
              reader.wake();
            },
            onRetry: (ms) => (reader.pendingRetry = ms),
            onComment: (comment) => {
              reader.comments.push(comment);
              reader.wake();
            },
          });
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            reader.raw += chunk;
            parser.feed(chunk);
          });
          const end = () => {
            reader.ended = true;
            reader.wake();
          };
          res.on('end', end);
          res.on('close', end);
          res.on('error', end);
          resolve(reader);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** The body as text, once the server ended it (for non-stream answers). */
  async body(timeoutMs = 5000): Promise<string> {
    await this.until(() => this.ended, timeoutMs, 'the response to end');
    return this.raw;
  }

  /** Resolves with the events once `count` of them arrived. */
  async take(count: number, timeoutMs = 5000): Promise<ReadEvent[]> {
    await this.until(
      () => this.events.length >= count,
      timeoutMs,
      `${count} events`,
    );
    return this.events.slice(0, count);
  }

  /** Resolves with the first event (from the start) that matches. */
  async find(
    match: (e: ReadEvent) => boolean,
    timeoutMs = 5000,
  ): Promise<ReadEvent> {
    await this.until(
      () => this.events.some(match),
      timeoutMs,
      'a matching event',
    );
    return this.events.find(match)!;
  }

  /** Waits until `condition` holds, failing after `timeoutMs`. */
  until(
    condition: () => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<void> {
    return this.wakeups.until(
      condition,
      timeoutMs,
      what,
      () => `got ${this.events.length} events`,
    );
  }

  close(): void {
    this.destroy();
  }

  private wake(): void {
    this.wakeups.wake();
  }
}

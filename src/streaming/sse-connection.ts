import type { IncomingMessage } from 'node:http';
import { ServerResponse } from 'node:http';
import { constants as http2 } from 'node:http2';
import type { Socket } from 'node:net';
import { asHttpChunk } from '../framing/http-chunk.js';
import type { KeepAliveTimer } from '../framing/keep-alive-timer.js';
import { SseFrame } from '../framing/sse-frame.js';
import type { SseMessage } from '../framing/sse-message.js';

/** The headers of every stream: no caching, no buffering by proxies or compression. */
const STREAM_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};
const STREAM_HEADER_ENTRIES = Object.entries(STREAM_HEADERS);

/**
 * What a connection uses of the framework's response when it is not the raw
 * one (Fastify's reply): the headers it holds until it sends (`@Header()`,
 * CORS), and `hijack`, which tells it the handler answers by itself.
 */
export interface FrameworkResponse {
  getHeaders?(): Record<string, unknown>;
  hijack?(): unknown;
}

/** What a connection takes from the registry that serves it. */
export interface ConnectionSettings {
  readonly maxBufferedBytes: number;
  /** The keep-alive timer, whose tick each write notes. */
  readonly keepAlive: KeepAliveTimer;
}

/** What `drop` needs of the `Http2Stream` behind an HTTP/2 response. */
interface Http2StreamLike {
  close(code: number): void;
}

/** How long an ended HTTP/2 stream may take to flush before a reset (ms). */
const H2_END_GRACE_MS = 1000;

/** Any match makes V8 flatten the string it reads, in place. */
const FLATTEN = /^/;

/**
 * Node keeps the sent header block (`_header`) for the whole stream as a
 * rope of some 30 pieces (~900 bytes); one regexp read flattens it.
 */
function flattenSentHeader(response: ServerResponse): void {
  const header = (response as { _header?: unknown })._header;
  if (typeof header === 'string') FLATTEN.test(header);
}

/**
 * Sets the status and headers of a stream (not sent yet): the framework's
 * own headers (Fastify keeps `@Header()` and CORS ones outside the raw
 * response), then the stream's.
 */
export function setStreamHeaders(
  request: IncomingMessage,
  res: ServerResponse,
  framework?: FrameworkResponse,
): void {
  const inherited = framework?.getHeaders?.() ?? {};
  for (const [name, value] of Object.entries(inherited)) {
    if (value !== undefined && !res.hasHeader(name)) {
      res.setHeader(name, value as string | number | readonly string[]);
    }
  }
  for (const [name, value] of STREAM_HEADER_ENTRIES) {
    if (name !== 'Content-Type' || !res.hasHeader(name))
      res.setHeader(name, value);
  }
  if ((request.httpVersionMajor ?? 1) < 2)
    res.setHeader('Connection', 'keep-alive');
  res.removeHeader('Content-Length');
  res.statusCode = 200;
}

/**
 * One open SSE response: commits the headers, writes frames straight to the
 * socket and cuts the client when it stops reading.
 */
export class SseConnection {
  private committed = false;
  private closed = false;
  /** The keep-alive tick of the last write. */
  private writtenIn: number;
  /** The last write found the socket's buffer past its high-water mark. */
  private behind = false;
  /** Set once frames are written straight to the socket (`directSocket`). */
  private socket: Socket | undefined;
  private chunked = false;
  /** A limit below the socket's high-water mark: `behind` cannot tell. */
  private readonly checkEachWrite: boolean;
  /** A HEAD response has no body: it is over once its headers are sent. */
  private readonly headOnly: boolean;

  private readonly maxBufferedBytes: number;
  private readonly keepAliveTimer: KeepAliveTimer;

  constructor(
    private readonly request: IncomingMessage,
    readonly response: ServerResponse,
    settings: ConnectionSettings,
    /** Called once, when the stream ends for whatever reason. */
    private readonly onClose: (dropped: boolean) => void,
    /**
     * Fastify's reply: the headers it holds outside the raw response
     * (`@Header()`, CORS) are applied at commit.
     */
    private framework?: FrameworkResponse,
  ) {
    this.maxBufferedBytes = settings.maxBufferedBytes;
    this.keepAliveTimer = settings.keepAlive;
    this.writtenIn = settings.keepAlive.tick;
    this.checkEachWrite =
      settings.maxBufferedBytes < response.writableHighWaterMark;
    this.headOnly = request.method === 'HEAD';
    response.once('close', () => this.finish(false));
  }

  get headersCommitted(): boolean {
    return this.committed;
  }

  /** Sends status and headers (once); later frames follow without delay. */
  commit(): void {
    if (!this.setHeaders()) return;
    this.response.flushHeaders();
    flattenSentHeader(this.response);
    if (this.headOnly) this.end();
  }

  /**
   * Sets status and headers (once): they go out with the next write, or at
   * once through `commit`. False when that was done already.
   */
  private setHeaders(): boolean {
    if (this.committed || this.closed) return false;
    this.committed = true;
    setStreamHeaders(this.request, this.response, this.framework);
    this.framework = undefined;
    // No setNoDelay: Node's HTTP server turns Nagle's algorithm off for every
    // connection (`noDelay`, on by default), so frames go out as written.
    return true;
  }

  /** Writes one frame: an encoded `SseFrame`, or a message encoded for this client. */
  write(item: SseFrame | SseMessage): void {
    if (this.closed) return;
    // Frames written straight to the socket would follow a HEAD answer.
    if (this.headOnly) return this.commit();
    const frame = item instanceof SseFrame ? item : SseFrame.from(item);
    this.writtenIn = this.keepAliveTimer.tick;
    if (!this.committed) return this.writeFirst(frame);
    // Node would buffer without bound for a client that stopped reading.
    // Only a socket past its high-water mark can be over the limit, unless
    // the limit is below that mark.
    if (
      (this.behind || this.checkEachWrite) &&
      this.response.writableLength > this.maxBufferedBytes
    ) {
      this.drop();
      return;
    }
    const socket = this.socket ?? this.directSocket();
    this.behind = socket
      ? !socket.write(this.chunked ? asHttpChunk(frame) : frame.bytes)
      : !this.response.write(frame.bytes);
  }

  /** The headers and the first frame, in the same packet. */
  private writeFirst(frame: SseFrame): void {
    this.setHeaders();
    if (!this.writeWithHead(frame)) {
      this.behind = !this.response.write(frame.bytes);
    }
    flattenSentHeader(this.response);
  }

  /**
   * Sends the header block and the first frame in one socket write: the
   * bytes `response.write` would send, without its corked write of five
   * pieces. False, and nothing sent, where the socket cannot be written
   * directly (see `directSocket`) or Node's response keeps its header
   * block otherwise than as `_header` / `_headerSent`.
   */
  private writeWithHead(frame: SseFrame): boolean {
    const res = this.response;
    const socket = res.socket;
    if (
      !socket ||
      socket.destroyed ||
      this.request.httpVersionMajor !== 1 ||
      res.write !== ServerResponse.prototype.write ||
      res.writableLength !== socket.writableLength
    ) {
      return false;
    }
    // What `response.write` does first; hooks on writeHead (on-headers) run.
    res.writeHead(res.statusCode);
    const state = res as { _header?: unknown; _headerSent?: unknown };
    const head = state._header;
    if (typeof head !== 'string' || state._headerSent !== false) return false;
    const chunked = res.chunkedEncoding;
    const body = frame.bytes;
    const size = chunked ? `${body.length.toString(16)}\r\n` : '';
    // The header block is latin1 on the wire, as Node writes it.
    const bytes = Buffer.allocUnsafe(
      head.length + size.length + body.length + (chunked ? 2 : 0),
    );
    let at = bytes.write(head, 0, 'latin1');
    at += bytes.write(size, at, 'latin1');
    at += body.copy(bytes, at);
    if (chunked) bytes.write('\r\n', at, 'latin1');
    state._headerSent = true;
    this.socket = socket;
    this.chunked = chunked;
    this.behind = !socket.write(bytes);
    return true;
  }

  /**
   * The socket, once a frame written to it is what `response.write` would
   * send: headers out, nothing queued in the response, HTTP/1, `write` not
   * wrapped (compression). It skips the response, which Express makes slow
   * to access (a prototype swapped per request).
   */
  private directSocket(): Socket | undefined {
    const res = this.response;
    const socket = res.socket;
    if (
      !res.headersSent ||
      !socket ||
      this.request.httpVersionMajor !== 1 ||
      res.write !== ServerResponse.prototype.write ||
      res.writableLength !== socket.writableLength
    ) {
      return undefined;
    }
    this.chunked = res.chunkedEncoding;
    return (this.socket = socket);
  }

  /**
   * Writes the keep-alive comment if nothing was written for most of the
   * interval: it goes only to streams that are otherwise silent.
   */
  keepAlive(frame: SseFrame): void {
    if (this.committed && this.keepAliveTimer.isDue(this.writtenIn)) {
      this.write(frame);
    }
  }

  /** Ends the response normally. */
  end(last?: SseFrame): void {
    if (this.closed) return;
    if (!this.committed) this.commit();
    if (last) this.response.write(last.bytes);
    this.response.end();
    this.resetIfUnflushed();
    this.finish(false);
  }

  /**
   * An ended HTTP/2 stream whose client stopped reading (a full window)
   * never finishes, and holds its session and so `server.close()` open:
   * reset it if it has not closed after `H2_END_GRACE_MS`. (On HTTP/1.1 the
   * server closes such a socket with the others.)
   */
  private resetIfUnflushed(): void {
    const h2Stream = this.h2Stream();
    if (!h2Stream) return;
    const timer = setTimeout(
      () => h2Stream.close(http2.NGHTTP2_CANCEL),
      H2_END_GRACE_MS,
    );
    timer.unref();
    this.response.once('close', () => clearTimeout(timer));
  }

  /** The HTTP/2 stream of the response, if it is one. */
  private h2Stream(): Http2StreamLike | undefined {
    if (this.request.httpVersionMajor !== 2) return undefined;
    return (this.response as { stream?: Http2StreamLike }).stream;
  }

  /**
   * Answers 204 to a stream that ended before sending anything: the spec's
   * way of telling EventSource to stop reconnecting.
   */
  endEmpty(): void {
    if (this.closed) return;
    if (this.committed) return this.end();
    this.committed = true;
    this.response.statusCode = 204;
    this.response.end();
    this.finish(false);
  }

  /** Stops tracking the response without touching it (it was never committed). */
  release(): void {
    this.finish(false);
  }

  /** Cuts a client that fell too far behind; it will reconnect and replay. */
  drop(): void {
    if (this.closed) return;
    const h2Stream = this.h2Stream();
    if (h2Stream) {
      // Only this stream of the session: reset with CANCEL, so that the
      // client sees an abort (destroy() would send NO_ERROR, like an end).
      h2Stream.close(http2.NGHTTP2_CANCEL);
    } else {
      this.response.destroy();
    }
    this.finish(true);
  }

  private finish(dropped: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(dropped);
  }
}

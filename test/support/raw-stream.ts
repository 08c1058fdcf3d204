import type { Socket } from 'node:net';
import { connect } from 'node:net';
import type { ParsedStream } from './parse-sse.js';
import { parseSse } from './parse-sse.js';

const CONNECTED = Buffer.from('event: connected\n');

/**
 * A bare HTTP/1.1 SSE client on a socket: cheap enough to hold thousands
 * open from one process, and able to stop reading altogether (`pause`).
 * It keeps every byte for a parse at the end.
 */
export class RawStream {
  private readonly chunks: Buffer[] = [];
  private scanned = Buffer.alloc(0);
  bytes = 0;
  closed = false;
  readonly connected: Promise<void>;
  readonly ended: Promise<void>;

  private constructor(readonly socket: Socket) {
    let markConnected!: () => void;
    this.connected = new Promise((resolve) => (markConnected = resolve));
    let seen = false;
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.bytes += chunk.length;
      if (seen) return;
      // Only the first few hundred bytes need a look.
      this.scanned = Buffer.concat([this.scanned, chunk]);
      if (this.scanned.includes(CONNECTED)) {
        seen = true;
        this.scanned = Buffer.alloc(0);
        markConnected();
      }
    });
    this.ended = new Promise((resolve) =>
      socket.once('close', () => {
        this.closed = true;
        resolve();
      }),
    );
    socket.on('error', () => undefined);
  }

  /** Connects and sends `GET path`; `localAddress` spreads sockets over 127.0.0.x. */
  static open(
    base: string,
    path: string,
    options: { localAddress?: string; headers?: Record<string, string> } = {},
  ): Promise<RawStream> {
    const { hostname, port } = new URL(base);
    return new Promise((resolve, reject) => {
      const socket = connect({
        host: hostname,
        port: Number(port),
        localAddress: options.localAddress,
      });
      const stream = new RawStream(socket);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        const headers = Object.entries({
          host: `${hostname}:${port}`,
          accept: 'text/event-stream',
          ...options.headers,
        })
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('');
        socket.write(`GET ${path} HTTP/1.1\r\n${headers}\r\n`);
        resolve(stream);
      });
    });
  }

  /** Stops reading: the kernel buffers fill, then the server's. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Status line and headers. */
  get head(): { status: number; headers: Record<string, string> } {
    const raw = Buffer.concat(this.chunks);
    const end = raw.indexOf('\r\n\r\n');
    const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line
        .slice(colon + 1)
        .trim();
    }
    return { status: Number(lines[0].split(' ')[1]), headers };
  }

  /** The response body, de-chunked. */
  body(): Buffer {
    const raw = Buffer.concat(this.chunks);
    const start = raw.indexOf('\r\n\r\n') + 4;
    if (
      !/transfer-encoding: chunked/i.test(
        raw.subarray(0, start).toString('latin1'),
      )
    ) {
      return raw.subarray(start);
    }
    const parts: Buffer[] = [];
    let at = start;
    while (at < raw.length) {
      const lineEnd = raw.indexOf('\r\n', at);
      if (lineEnd < 0) break;
      const size = parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
      if (!(size > 0)) break;
      parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    return Buffer.concat(parts);
  }

  /** What a spec-conforming parser reads from the body. */
  parse(): ParsedStream {
    return parseSse([this.body()]);
  }
}

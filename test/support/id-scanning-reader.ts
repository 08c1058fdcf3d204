import type { IncomingMessage } from 'node:http';
import { request } from 'node:http';

const ID_LINE = Buffer.from('\nid: ');

/**
 * A healthy client that reads as fast as it can and checks, without parsing
 * whole payloads, that ids arrive in order: it scans the de-chunked body for
 * `id:` lines (each frame starts with one) and counts bytes. Fast enough to
 * take hundreds of MB per client.
 */
export class IdScanningReader {
  readonly ids: string[] = [];
  bytes = 0;
  ended = false;
  private tail = Buffer.alloc(0);
  private response: IncomingMessage | undefined;
  private listeners = new Set<() => void>();

  private constructor(private readonly abort: () => void) {}

  static open(url: string): Promise<IdScanningReader> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { headers: { accept: 'text/event-stream' }, agent: false },
        (res) => {
          const reader = new IdScanningReader(() => req.destroy());
          reader.response = res;
          res.on('data', (chunk: Buffer) => reader.take(chunk));
          res.on('close', () => {
            reader.ended = true;
            reader.notify();
          });
          resolve(reader);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  get status(): number {
    return this.response?.statusCode ?? 0;
  }

  /** Calls `listener` after every chunk (for a publisher pacing itself). */
  onProgress(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.abort();
  }

  private take(chunk: Buffer): void {
    this.bytes += chunk.length;
    // Keep a few bytes of the previous chunk: an `id:` line may straddle two.
    const text = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    let at = 0;
    let searchedTo = 0;
    for (;;) {
      const found = text.indexOf(ID_LINE, at);
      if (found < 0) break;
      const end = text.indexOf(0x0a, found + ID_LINE.length);
      if (end < 0) {
        searchedTo = found;
        break;
      }
      this.ids.push(text.toString('latin1', found + ID_LINE.length, end));
      at = end;
      searchedTo = end;
    }
    const keepFrom = Math.max(searchedTo, text.length - 64);
    this.tail = Buffer.from(text.subarray(keepFrom));
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

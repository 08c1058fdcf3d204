import type { SseFrame } from './sse-frame.js';

const CRLF = Buffer.from('\r\n', 'latin1');

let lastFrame: SseFrame | undefined;
let lastChunk: Buffer | undefined;

/**
 * A frame as one HTTP/1.1 chunk (`<size in hex>\r\n<bytes>\r\n`), the bytes
 * `ServerResponse.write(frame.bytes)` puts on a chunked response. The last
 * one is kept: a broadcast writes the same frame to every client in turn, so
 * it is encoded once, not once per client.
 */
export function asHttpChunk(frame: SseFrame): Buffer {
  if (frame !== lastFrame || !lastChunk) {
    const size = Buffer.from(
      `${frame.bytes.length.toString(16)}\r\n`,
      'latin1',
    );
    lastChunk = Buffer.concat([size, frame.bytes, CRLF]);
    lastFrame = frame;
  }
  return lastChunk;
}

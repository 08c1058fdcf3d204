import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';

export interface OpenAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body (for answers that end: errors). */
  text(): Promise<string>;
  /** The body parsed as JSON. */
  json(): Promise<{ statusCode?: number; message?: string | string[] }>;
  close(): void;
}

/**
 * A GET that resolves at the response headers, from a chosen loopback
 * address (to act as several clients), without its own keep-alive agent.
 */
export function get(
  url: string,
  options: { localAddress?: string; headers?: Record<string, string> } = {},
): Promise<OpenAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        localAddress: options.localAddress,
        agent: false,
        headers: { accept: 'text/event-stream', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        const ended = new Promise<string>((done, fail) => {
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
          res.on('error', fail);
        });
        // A stream closed by the test ends in "aborted": not a failure.
        ended.catch(() => undefined);
        const text = () => {
          const timeout = new Promise<never>((_, fail) =>
            setTimeout(
              () => fail(new Error(`${url}: body did not end`)),
              5000,
            ).unref(),
          );
          return Promise.race([ended, timeout]);
        };
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: async () => JSON.parse(await text()),
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${url} timed out`)));
    req.end();
  });
}

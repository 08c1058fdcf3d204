import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A whole answer, body read to its end. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** An answer taken at its headers: the body is read on demand, or the request dropped. */
export interface OpenAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body (for answers that end: errors); fails after 5 s. */
  text(): Promise<string>;
  /** The body parsed as JSON. */
  json(): Promise<{ statusCode?: number; message?: string | string[] }>;
  close(): void;
}

interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** A loopback source address (127.0.0.x), to act as another client. */
  localAddress?: string;
  /** `false`: a connection of its own, never a pooled keep-alive one. */
  agent?: false;
}

/** A response at its headers, the body still coming in. */
interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body, once it ended. */
  body: Promise<string>;
  close(): void;
}

/**
 * Sends one request (HTTPS for an https URL, any certificate accepted); a
 * string or Buffer body is sent as given, anything else as JSON.
 */
function send(
  method: string,
  url: string,
  options: RequestOptions,
): Promise<Response> {
  const raw = typeof options.body === 'string' || Buffer.isBuffer(options.body);
  const body =
    options.body === undefined || raw
      ? (options.body as string | Buffer | undefined)
      : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined && !raw)
    headers['content-type'] ??= 'application/json';
  return new Promise((resolve, reject) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(
      url,
      {
        method,
        headers,
        rejectUnauthorized: false,
        localAddress: options.localAddress,
        ...(options.agent === false ? { agent: false } : {}),
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
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: ended,
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () =>
      req.destroy(new Error(`${method} ${url} timed out`)),
    );
    req.end(body);
  });
}

/** One plain HTTP request, read to its end; the body is sent as given (string) or as JSON. */
export async function http(
  method: string,
  url: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const response = await send(method, url, options);
  const text = await response.body;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * A GET that resolves at the response headers (a stream stays open until
 * `close()`), from a chosen loopback address, on a connection of its own.
 */
export async function get(
  url: string,
  options: { localAddress?: string; headers?: Record<string, string> } = {},
): Promise<OpenAnswer> {
  const response = await send('GET', url, {
    localAddress: options.localAddress,
    agent: false,
    headers: { accept: 'text/event-stream', ...options.headers },
  });
  const text = () => {
    const timeout = new Promise<never>((_, fail) =>
      setTimeout(
        () => fail(new Error(`${url}: body did not end`)),
        5000,
      ).unref(),
    );
    return Promise.race([response.body, timeout]);
  };
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: async () => JSON.parse(await text()),
    close: response.close,
  };
}

/** POST /api/broadcast with a JSON body. */
export const postBroadcast = (
  base: string,
  body: unknown,
  headers: Record<string, string> = {},
) => http('POST', `${base}/api/broadcast`, { body, headers });

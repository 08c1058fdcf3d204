import assert from 'node:assert/strict';
import { AccessTokens } from '../../demo/auth/access-tokens.js';
import { postBroadcast } from '../support/http.js';
import type { ReadEvent } from '../support/sse-reader.js';
import { SseReader } from '../support/sse-reader.js';

/** The demo's JWT secret in these specs, and tokens signed with it. */
export const SECRET = `users-secret-${Math.random().toString(36).slice(2)}`;
export const tokens = new AccessTokens(SECRET);
export const tokenOf = (user: string) => tokens.sign({ sub: user });
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** May publish anything (`publish: ['*']`). */
export const PUBLISHER = bearer(tokens.sign({ publish: ['*'] }));

/** POST /api/broadcast as `PUBLISHER`. */
export const publish = (base: string, body: Record<string, unknown>) =>
  postBroadcast(base, body, PUBLISHER);

/** Streams opened by a spec, closed together. */
export class Streams {
  readonly all: SseReader[] = [];

  /** Opens a stream and waits for its `connected` event. */
  async open(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<SseReader> {
    const reader = await SseReader.open(url, headers);
    this.all.push(reader);
    assert.equal(reader.status, 200, `${url}: ${reader.status}`);
    await reader.find((e) => e.event === 'connected');
    return reader;
  }

  closeAll(): void {
    for (const reader of this.all.splice(0)) reader.close();
  }
}

/** The `clientId` of a stream's `connected` event. */
export const clientIdOf = (reader: SseReader): string =>
  (
    JSON.parse(reader.events.find((e) => e.event === 'connected')!.data) as {
      clientId: string;
    }
  ).clientId;

/** The `id` of a stream's `connected` event: its position before any event. */
export const startOf = (reader: SseReader): string =>
  reader.events.find((e) => e.event === 'connected')!.id!;

let fences = 0;

/**
 * Publishes an event to everyone and waits until every stream got it: what
 * each received before it is then all it will get of what was sent earlier.
 * Resolves with what each got before the fence (without `connected`).
 */
export async function upToFence(
  base: string,
  readers: SseReader[],
): Promise<ReadEvent[][]> {
  const data = `fence-${++fences}`;
  const sent = await publish(base, { event: 'fence', data });
  assert.equal(sent.status, 202);
  return Promise.all(
    readers.map(async (reader) => {
      const fence = await reader.find(
        (e) => e.event === 'fence' && e.data === data,
        10_000,
      );
      const before = reader.events.slice(0, reader.events.indexOf(fence));
      return before.filter(
        (e) => e.event !== 'connected' && e.event !== 'fence',
      );
    }),
  );
}

/** The data of the events of `name` a stream received before a fence. */
export const dataOf = (events: ReadEvent[], name: string) =>
  events.filter((e) => e.event === name).map((e) => e.data);

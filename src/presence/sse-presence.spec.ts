import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BroadcastService } from '../broadcast/broadcast.service.js';
import { resolveSseOptions } from '../resolved-sse-options.js';
import { InMemoryTransport } from '../transports/in-memory.transport.js';
import { LocalPresenceTracker } from './local-presence-tracker.js';
import type { UserPresenceChange } from './presence.types.js';
import { SsePresence } from './sse-presence.js';

function setup() {
  const transport = new InMemoryTransport();
  const broadcast = new BroadcastService(
    transport,
    resolveSseOptions({
      identify: (request) => (request as { user?: string }).user,
    }),
  );
  const presence = new SsePresence(broadcast, transport);
  const open = (user?: string, channels: string[] = []) =>
    broadcast.stream({ request: { user }, channels }).subscribe();
  return { broadcast, presence, open };
}

describe('SsePresence on the in-memory transport', () => {
  it('uses the transport’s default tracker: this process', () => {
    const transport = new InMemoryTransport();
    const broadcast = new BroadcastService(transport, resolveSseOptions());
    assert.ok(
      transport.trackPresence(broadcast) instanceof LocalPresenceTracker,
    );
  });

  it('counts streams, channels and distinct users; anonymous streams are not users', async () => {
    const { presence, open } = setup();
    open('alice');
    open('alice', ['news']);
    open('bob', ['news']);
    open(undefined, ['sport']);
    const counts = { connected: 4, channels: { news: 2, sport: 1 }, users: 2 };
    assert.deepEqual(await presence.counts(), counts);
    assert.deepEqual(presence.local, counts);
    assert.equal(await presence.streamsOf('alice'), 2);
    assert.equal(await presence.isOnline('bob'), true);
    assert.equal(await presence.isOnline('carol'), false);
  });

  it('reports a user online at the first stream and offline at the last', async () => {
    const { presence, open } = setup();
    const changes: UserPresenceChange[] = [];
    presence.userChanges$.subscribe((c) => changes.push(c));
    const first = open('alice');
    const second = open('alice');
    open();
    first.unsubscribe();
    assert.deepEqual(changes, [{ type: 'online', user: 'alice' }]);
    second.unsubscribe();
    assert.deepEqual(changes, [
      { type: 'online', user: 'alice' },
      { type: 'offline', user: 'alice' },
    ]);
    await presence.onApplicationShutdown();
    open('alice');
    assert.equal(changes.length, 2);
  });
});

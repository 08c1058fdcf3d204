import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import fc from 'fast-check';
import type { EventSourceMessage } from 'eventsource-parser';
import { parseSseBytes } from '../../test/support/parse-sse.js';
import { BroadcastService } from './broadcast.service.js';
import type { ClientChange, StreamOptions } from './broadcast-stream.types.js';
import { InvalidSseFieldException } from '../errors/invalid-sse-field.exception.js';
import { resolveSseOptions } from '../resolved-sse-options.js';
import type { SseModuleOptions } from '../sse-module-options.js';
import type {
  OutgoingEvent,
  ReplayResult,
  StoredEvent,
} from '../transports/transport-event.js';
import type { SseFrame } from '../framing/sse-frame.js';
import { InMemoryTransport } from '../transports/in-memory.transport.js';
import type { SinkSource } from '../streaming/frame-sink.js';
import { CONNECT_SINK } from '../streaming/frame-sink.js';

/** Counts what reaches the transport, and can hold replays back to test the handoff. */
class ControlledTransport extends InMemoryTransport {
  published: OutgoingEvent[] = [];
  /** `early`: history is read when replay is asked, `late`: when it is released. */
  snapshot: 'immediate' | 'early' | 'late' = 'immediate';
  failReplay = false;
  private held: (() => void)[] = [];

  constructor(historySize = 1000) {
    super({ firstSeq: 1, historySize });
  }

  override publish(event: OutgoingEvent): Promise<StoredEvent> {
    this.published.push(event);
    return super.publish(event);
  }

  override replay(id: string, channels: readonly string[], user?: string) {
    if (this.failReplay) return Promise.reject(new Error('history offline'));
    if (this.snapshot === 'immediate') return super.replay(id, channels, user);
    const early =
      this.snapshot === 'early' ? super.replay(id, channels, user) : undefined;
    return new Promise<ReplayResult>((resolve) =>
      this.held.push(() => resolve(early ?? super.replay(id, channels, user))),
    );
  }

  releaseReplays(): void {
    for (const release of this.held.splice(0)) release();
  }
}

const tick = () => new Promise((r) => setImmediate(r));

function setup(
  options: SseModuleOptions = {},
  transport = new ControlledTransport(),
) {
  const service = new BroadcastService(transport, resolveSseOptions(options));
  return { service, transport };
}

/** Subscribes like a controller's response would and records what it gets. */
function connect(service: BroadcastService, options?: StreamOptions) {
  const frames: SseFrame[] = [];
  const state = { completed: false, error: undefined as unknown };
  const subscription = service.stream(options).subscribe({
    next: (frame) => frames.push(frame),
    complete: () => (state.completed = true),
    error: (err: unknown) => (state.error = err),
  });
  const events = (): EventSourceMessage[] =>
    parseSseBytes(...frames.map((f) => f.bytes)).events;
  return {
    frames,
    state,
    events,
    /** Everything after the `connected` event. */
    received: () => events().filter((e) => e.event !== 'connected'),
    clientId: () => JSON.parse(events()[0].data).clientId as string,
    close: () => subscription.unsubscribe(),
  };
}

describe('BroadcastService', () => {
  describe('stream()', () => {
    it('starts with a connected event carrying the client id, server time and retry', () => {
      const { service } = setup({ retryMs: 4321 });
      const client = connect(service);
      assert.equal(client.frames.length, 1);
      const parsed = parseSseBytes(client.frames[0].bytes);
      assert.deepEqual(parsed.retries, [4321]);
      assert.equal(parsed.events[0].event, 'connected');
      const data = JSON.parse(parsed.events[0].data);
      assert.match(data.clientId, /^[0-9a-f-]{36}$/);
      assert.ok(!Number.isNaN(Date.parse(data.serverTime)));
      assert.notEqual(connect(service).clientId(), client.clientId());
    });

    it('refuses a channel name that would break the framing', () => {
      const { service } = setup();
      assert.throws(
        () => service.stream({ channels: ['ok', 'bad\nname'] }),
        InvalidSseFieldException,
      );
      assert.equal(service.connectedClients.total, 0);
    });
    it('applies one channel-name rule to subscribing and publishing (400 before any frame)', async () => {
      const { service } = setup();
      for (const bad of ['é', 'a b', 'x'.repeat(65), '', 'a/b', 'bad\nname']) {
        assert.throws(
          () => service.stream({ channels: [bad] }),
          InvalidSseFieldException,
          JSON.stringify(bad),
        );
        await assert.rejects(
          service.publish({ data: 1, channel: bad }),
          InvalidSseFieldException,
          JSON.stringify(bad),
        );
      }
      for (const good of [
        'news',
        'user:42',
        'orders.eu-west_1',
        'x'.repeat(64),
      ]) {
        connect(service, { channels: [good] }).close();
        await service.publish({ data: 1, channel: good });
      }
      assert.equal(service.connectedClients.total, 0);
    });

    it('bounds the channels of one stream (maxChannelsPerStream, default 64), duplicates counted once', () => {
      const { service } = setup();
      const names = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
      connect(service, { channels: [...names(64), 'c0'] }).close();
      assert.throws(
        () => service.stream({ channels: names(65) }),
        (err: Error & { getStatus?: () => number }) =>
          err.getStatus?.() === 400 &&
          /at most 64 channels; 65 were asked for/.test(err.message),
      );
      const small = setup({ maxChannelsPerStream: 2 }).service;
      assert.throws(() => small.stream({ channels: ['a', 'b', 'c'] }));
      assert.equal(small.connectedClients.total, 0);
    });

    it('starts every stream at the transport head: the connected event always has an id', async () => {
      const { service, transport } = setup();
      const fresh = connect(service);
      assert.equal(fresh.events()[0].id, transport.head());
      assert.equal(fresh.events()[0].id, '0', 'the position before seq 1');
      const id = await service.publish({ data: 1 });
      assert.equal(connect(service).events()[0].id, id);
    });

    it('treats a Last-Event-ID longer than any id it issues as unknown, without echoing it at length', async () => {
      const { service, transport } = setup();
      const replays: string[] = [];
      const replay = transport.replay.bind(transport);
      transport.replay = (id, channels) => {
        replays.push(id);
        return replay(id, channels);
      };
      const huge = 'x'.repeat(10_000);
      const client = connect(service, { lastEventId: huge });
      await tick();
      const [connected, gap] = client.events();
      assert.equal(connected.id, transport.head());
      assert.equal(gap.event, 'history-gap');
      assert.equal(gap.id, transport.head());
      const data = JSON.parse(gap.data);
      assert.deepEqual([data.reason, data.replayed], ['unknown', 0]);
      assert.ok(data.lastEventId.length <= 129, 'shortened');
      assert.ok(
        Buffer.concat(client.frames.map((f) => f.bytes)).length < 1000,
        'the id is not echoed',
      );
      assert.deepEqual(replays, [], 'not looked up');
      // A publisher cannot choose such an id either.
      await assert.rejects(
        service.publish({ data: 1, id: 'y'.repeat(129) }),
        InvalidSseFieldException,
      );
      await service.publish({ data: 1, id: 'y'.repeat(128) });
    });
  });

  describe('publish()', () => {
    it('fans one event out to every client and resolves with its increasing id', async () => {
      const { service } = setup();
      const clients = [connect(service), connect(service), connect(service)];
      const first = await service.publish({ event: 'news', data: { n: 1 } });
      const second = await service.publish({ event: 'news', data: 'two' });
      assert.ok(Number(second) > Number(first));
      for (const client of clients) {
        assert.deepEqual(client.received(), [
          { id: first, event: 'news', data: '{"n":1}' },
          { id: second, event: 'news', data: 'two' },
        ]);
      }
    });

    it('defaults the event name to "message" and keeps a chosen id', async () => {
      const { service } = setup();
      const client = connect(service);
      assert.equal(await service.publish({ data: 'hi', id: 'abc-1' }), 'abc-1');
      assert.deepEqual(client.received(), [
        { id: 'abc-1', event: 'message', data: 'hi' },
      ]);
    });

    it('sends a channel event to that channel only, and an unchanneled one to all', async () => {
      const { service } = setup();
      const plain = connect(service);
      const a = connect(service, { channels: ['a'] });
      const ab = connect(service, { channels: ['a', 'b'] });
      const b = connect(service, { channels: ['b'] });
      await service.publish({ event: 'e', data: 'to-a', channel: 'a' });
      await service.publish({ event: 'e', data: 'to-b', channel: 'b' });
      await service.publish({ event: 'e', data: 'to-c', channel: 'c' });
      await service.publish({ event: 'e', data: 'to-all' });
      const data = (c: ReturnType<typeof connect>) =>
        c.received().map((e) => e.data);
      assert.deepEqual(data(plain), ['to-all']);
      assert.deepEqual(data(a), ['to-a', 'to-all']);
      assert.deepEqual(data(ab), ['to-a', 'to-b', 'to-all']);
      assert.deepEqual(data(b), ['to-b', 'to-all']);
    });

    it('serializes a broadcast once and hands every client the same frame', async () => {
      const { service, transport } = setup();
      const clients = Array.from({ length: 5 }, () => connect(service));
      let serialized = 0;
      const data = {
        toJSON() {
          serialized++;
          return { big: 'payload' };
        },
      };
      await service.publish({ event: 'e', data });
      assert.equal(serialized, 1);
      assert.equal(transport.published[0].data, '{"big":"payload"}');
      const frames = clients.map((c) => c.frames.at(-1));
      for (const frame of frames) assert.equal(frame, frames[0]);
    });

    it('throws a typed error and emits nothing for an event, id or channel with CR, LF or NUL', async () => {
      const { service, transport } = setup();
      const client = connect(service, { channels: ['a'] });
      const bad = [
        { event: 'a\nb', data: 'x' },
        { event: 'ok\r', data: 'x' },
        { event: '', data: 'x' },
        { event: 'ok', data: 'x', id: '1\n2' },
        { event: 'ok', data: 'x', id: 'nul\0' },
        { event: 'ok', data: 'x', channel: 'a\r\nevent: fake' },
        { event: 'ok', data: undefined },
        { event: 'ok', data: 1n },
        { event: 'ok', data: 'lone \uD800' },
      ];
      for (const message of bad) {
        await assert.rejects(
          service.publish(message),
          InvalidSseFieldException,
        );
      }
      assert.equal(transport.published.length, 0);
      assert.deepEqual(client.received(), []);
      const late = connect(service, { lastEventId: 'anything' });
      await tick();
      assert.deepEqual(
        late.received().filter((e) => e.event !== 'history-gap'),
        [],
      );
    });

    it('names the offending field in the error', async () => {
      const { service } = setup();
      await assert.rejects(
        service.publish({ event: 'ok', data: 'x', channel: 'x\ny' }),
        (err: unknown) =>
          err instanceof InvalidSseFieldException &&
          err.field === 'channel' &&
          err.getStatus() === 400,
      );
    });
  });

  describe('connectedClients and clientChanges$', () => {
    it('counts clients in all and per channel, and forgets a channel when its last client leaves', () => {
      const { service } = setup();
      assert.deepEqual(service.connectedClients, { total: 0, channels: {} });
      const a = connect(service, { channels: ['a'] });
      const ab = connect(service, { channels: ['a', 'b', 'a'] });
      const plain = connect(service);
      assert.deepEqual(service.connectedClients, {
        total: 3,
        channels: { a: 2, b: 1 },
      });
      ab.close();
      assert.deepEqual(service.connectedClients, {
        total: 2,
        channels: { a: 1 },
      });
      a.close();
      plain.close();
      plain.close();
      assert.deepEqual(service.connectedClients, { total: 0, channels: {} });
    });

    it('reports every connect and disconnect with the client id and channels', () => {
      const { service } = setup();
      const changes: ClientChange[] = [];
      service.clientChanges$.subscribe((c) => changes.push(c));
      const client = connect(service, { channels: ['x'] });
      client.close();
      assert.deepEqual(changes, [
        { type: 'connect', clientId: client.clientId(), channels: ['x'] },
        { type: 'disconnect', clientId: client.clientId(), channels: ['x'] },
      ]);
    });

    it('stops delivering to a client the moment it unsubscribes', async () => {
      const { service } = setup();
      const gone = connect(service);
      const stays = connect(service);
      gone.close();
      await service.publish({ event: 'e', data: 'after' });
      assert.deepEqual(gone.received(), []);
      assert.equal(stays.received().length, 1);
    });
  });

  describe('replay (Last-Event-ID)', () => {
    it('replays what came after the id, in order, for the client channels, then goes live', async () => {
      const { service } = setup();
      const ids: string[] = [];
      ids.push(await service.publish({ event: 'e', data: '1' }));
      ids.push(await service.publish({ event: 'e', data: '2', channel: 'a' }));
      ids.push(await service.publish({ event: 'e', data: '3', channel: 'b' }));
      ids.push(await service.publish({ event: 'e', data: '4' }));
      const client = connect(service, { channels: ['a'], lastEventId: ids[0] });
      await tick();
      await service.publish({ event: 'e', data: '5' });
      assert.deepEqual(
        client.received().map((e) => e.data),
        ['2', '4', '5'],
      );
      assert.equal(client.events()[0].event, 'connected');
    });

    it('sends nothing more than live events when the client is up to date', async () => {
      const { service } = setup();
      const last = await service.publish({ event: 'e', data: 'old' });
      const client = connect(service, { lastEventId: last });
      await tick();
      await service.publish({ event: 'e', data: 'new' });
      assert.deepEqual(
        client.received().map((e) => e.data),
        ['new'],
      );
    });

    it('tells a client whose id fell out of history (history-gap, expired), then replays all it has', async () => {
      const { service } = setup({}, new ControlledTransport(2));
      const ids: string[] = [];
      for (const n of [1, 2, 3, 4]) {
        ids.push(await service.publish({ event: 'e', data: String(n) }));
      }
      const client = connect(service, { lastEventId: ids[0] });
      await tick();
      const [gap, ...rest] = client.received();
      assert.equal(gap.event, 'history-gap');
      assert.deepEqual(JSON.parse(gap.data), {
        lastEventId: ids[0],
        reason: 'expired',
        replayed: 2,
      });
      assert.deepEqual(
        rest.map((e) => e.data),
        ['3', '4'],
      );
    });

    it('tells a client with an id it never issued (history-gap, unknown) and replays nothing', async () => {
      const { service } = setup();
      await service.publish({ event: 'e', data: 'old' });
      const client = connect(service, { lastEventId: 'from-elsewhere' });
      await tick();
      await service.publish({ event: 'e', data: 'live' });
      const [gap, ...rest] = client.received();
      assert.equal(gap.event, 'history-gap');
      assert.deepEqual(JSON.parse(gap.data), {
        lastEventId: 'from-elsewhere',
        reason: 'unknown',
        replayed: 0,
      });
      assert.deepEqual(
        rest.map((e) => e.data),
        ['live'],
      );
    });

    for (const snapshot of ['early', 'late'] as const) {
      it(`hands over from replay to live with no gap and no duplicate (history read ${snapshot})`, async () => {
        const transport = new ControlledTransport();
        transport.snapshot = snapshot;
        const { service } = setup({}, transport);
        const first = await service.publish({ event: 'e', data: '1' });
        await service.publish({ event: 'e', data: '2' });
        const client = connect(service, { lastEventId: first });
        await service.publish({ event: 'e', data: '3' });
        await service.publish({ event: 'e', data: '4' });
        assert.deepEqual(client.received(), [], 'held back during replay');
        transport.releaseReplays();
        await tick();
        await service.publish({ event: 'e', data: '5' });
        assert.deepEqual(
          client.received().map((e) => e.data),
          ['2', '3', '4', '5'],
        );
      });
    }

    it('delivers exactly the events after Last-Event-ID for any interleaving (property)', async () => {
      const channel = fc.constantFrom(undefined, 'a', 'b');
      await fc.assert(
        fc.asyncProperty(
          fc.array(channel, { minLength: 1, maxLength: 8 }),
          fc.nat(),
          fc.array(channel, { maxLength: 8 }),
          fc.array(channel, { maxLength: 4 }),
          fc.constantFrom('immediate', 'early', 'late'),
          fc.subarray(['a', 'b']),
          async (before, pick, during, after, snapshot, channels) => {
            const transport = new ControlledTransport();
            transport.snapshot = snapshot;
            const { service } = setup({}, transport);
            const published: { id: string; channel?: string }[] = [];
            const send = async (ch: string | undefined) =>
              published.push({
                id: await service.publish({
                  event: 'e',
                  data: 'x',
                  channel: ch,
                }),
                channel: ch,
              });
            for (const ch of before) await send(ch);
            const from = pick % published.length;
            const client = connect(service, {
              channels,
              lastEventId: published[from].id,
            });
            for (const ch of during) await send(ch);
            transport.releaseReplays();
            await tick();
            for (const ch of after) await send(ch);
            const expected = published
              .slice(from + 1)
              .filter(
                (e) => e.channel === undefined || channels.includes(e.channel),
              )
              .map((e) => e.id);
            assert.deepEqual(
              client.received().map((e) => e.id),
              expected,
            );
          },
        ),
        { numRuns: 200 },
      );
    });

    it('ends the stream with an error when history cannot be read', async () => {
      const transport = new ControlledTransport();
      transport.failReplay = true;
      const { service } = setup({}, transport);
      const client = connect(service, { lastEventId: '1' });
      await tick();
      assert.match(String(client.state.error), /history offline/);
      assert.equal(service.connectedClients.total, 0);
    });

    it('sends nothing to a client that left while its replay was pending', async () => {
      const transport = new ControlledTransport();
      transport.snapshot = 'late';
      const { service } = setup({}, transport);
      const first = await service.publish({ event: 'e', data: '1' });
      await service.publish({ event: 'e', data: '2' });
      const client = connect(service, { lastEventId: first });
      client.close();
      transport.releaseReplays();
      await tick();
      assert.deepEqual(client.received(), []);
      assert.equal(client.state.error, undefined);
      assert.equal(service.connectedClients.total, 0);
    });
  });

  describe('keep-alive', () => {
    afterEach(() => mock.timers.reset());

    /** The keep-alive comments among what a client got. */
    const comments = (client: { frames: SseFrame[] }) =>
      client.frames.filter((f) => f.comment?.startsWith('keep-alive'));

    it('comments only on streams silent for most of keepAliveSeconds, once per interval', async () => {
      mock.timers.enable({ apis: ['setInterval'] });
      const { service } = setup({ keepAliveSeconds: 1 });
      const busy = connect(service, { channels: ['busy'] });
      const idle = connect(service);
      // 4 s, a broadcast to the busy stream every 0.5 s.
      for (let ms = 0; ms < 4000; ms += 250) {
        if (ms % 500 === 0) {
          await service.publish({ channel: 'busy', event: 'e', data: ms });
        }
        mock.timers.tick(250);
      }
      assert.equal(busy.received().length, 8);
      assert.equal(comments(busy).length, 0, 'no comment between broadcasts');
      assert.equal(comments(idle).length, 4, 'one per second of silence');
      busy.close();
      idle.close();
    });

    it('leaves a stream connected straight to its served connection to that connection', () => {
      mock.timers.enable({ apis: ['setInterval'] });
      const { service } = setup({ keepAliveSeconds: 1 });
      const frames: SseFrame[] = [];
      const source = service.stream() as unknown as SinkSource;
      const connection = source[CONNECT_SINK]({
        next: (frame) => frames.push(frame),
        error: assert.fail,
        complete: assert.fail,
      });
      const other = connect(service);
      mock.timers.tick(3000);
      assert.equal(service.connectedClients.total, 2);
      assert.equal(comments({ frames }).length, 0);
      assert.equal(comments(other).length, 3);
      connection.unsubscribe();
      other.close();
      assert.equal(service.connectedClients.total, 0);
    });
  });

  describe('teardown', () => {
    it('completes every open stream and clientChanges$ on module destroy, and stops delivering', async () => {
      const { service } = setup();
      const clients = [connect(service), connect(service, { channels: ['a'] })];
      let changesDone = false;
      service.clientChanges$.subscribe({
        complete: () => (changesDone = true),
      });
      service.onModuleDestroy();
      for (const client of clients) assert.equal(client.state.completed, true);
      assert.equal(changesDone, true);
      assert.deepEqual(service.connectedClients, { total: 0, channels: {} });
      await service.publish({ event: 'e', data: 'late' });
      for (const client of clients) assert.deepEqual(client.received(), []);
    });

    it('leaves no client behind after many connects and disconnects', async () => {
      const { service } = setup();
      for (let i = 0; i < 500; i++) {
        const client = connect(service, {
          channels: [`c${i % 7}`],
          lastEventId: i % 3 ? undefined : 'x',
        });
        if (i % 2) await tick();
        client.close();
      }
      await tick();
      assert.deepEqual(service.connectedClients, { total: 0, channels: {} });
    });
  });
});

describe('BroadcastService: users (identify, user / exceptUser / exceptClient)', () => {
  /** `identify` reads the user from a fake request's `user` property. */
  const withUsers = (transport = new ControlledTransport()) =>
    setup(
      { identify: (request) => (request as { user?: string }).user },
      transport,
    );
  const as = (service: BroadcastService, user?: string, channels?: string[]) =>
    connect(service, { request: { user }, channels });

  it('remembers whose each stream is: clientChanges$, counts per user', () => {
    const { service } = withUsers();
    const changes: ClientChange[] = [];
    service.clientChanges$.subscribe((c) => changes.push(c));
    const alice = as(service, 'alice');
    as(service, 'alice', ['news']);
    as(service);
    assert.deepEqual(changes[0], {
      type: 'connect',
      clientId: alice.clientId(),
      channels: [],
      user: 'alice',
    });
    assert.equal(changes[2].user, undefined);
    assert.deepEqual(service.presenceSnapshot(), {
      connected: 3,
      channels: { news: 1 },
      users: { alice: 2 },
    });
    assert.equal(service.localStreamsOf('alice'), 2);
    alice.close();
    assert.equal(service.localStreamsOf('alice'), 1);
  });

  it('delivers a user event to that user’s streams only, never to an anonymous one', async () => {
    const { service } = withUsers();
    const alice = [as(service, 'alice'), as(service, 'alice', ['news'])];
    const bob = as(service, 'bob');
    const anonymous = as(service);
    await service.publish({ event: 'dm', data: 'a', user: 'alice' });
    await service.publish({
      event: 'dm',
      data: 'a-news',
      user: 'alice',
      channel: 'news',
    });
    assert.deepEqual(
      alice.map((c) => c.received().map((e) => e.data)),
      [['a'], ['a', 'a-news']],
    );
    assert.deepEqual(bob.received(), []);
    assert.deepEqual(anonymous.received(), []);
  });

  it('costs the user’s streams, not every stream: delivered grows by their count', async () => {
    const { service } = withUsers();
    for (let i = 0; i < 500; i++) as(service, `user-${i}`);
    as(service, 'alice');
    as(service, 'alice');
    const before = service.stats.delivered;
    await service.publish({ event: 'dm', data: 'x', user: 'alice' });
    assert.equal(service.stats.delivered - before, 2);
    await service.publish({ event: 'dm', data: 'x', user: 'nobody' });
    assert.equal(service.stats.delivered - before, 2);
  });

  it('leaves out a user’s streams (exceptUser) or one stream (exceptClient)', async () => {
    const { service } = withUsers();
    const alice = as(service, 'alice');
    const bob = as(service, 'bob', ['news']);
    const anonymous = as(service, undefined, ['news']);
    await service.publish({
      event: 'e',
      data: 'not alice',
      exceptUser: 'alice',
    });
    await service.publish({
      event: 'e',
      data: 'news but bob',
      channel: 'news',
      exceptUser: 'bob',
    });
    await service.publish({
      event: 'e',
      data: 'not this tab',
      exceptClient: bob.clientId(),
    });
    assert.deepEqual(
      [alice, bob, anonymous].map((c) => c.received().map((e) => e.data)),
      [
        ['not this tab'],
        ['not alice'],
        ['not alice', 'news but bob', 'not this tab'],
      ],
    );
  });

  it('refuses addressing fields that break the channel-name rule, and user with exceptUser, sending nothing', async () => {
    const { service, transport } = withUsers();
    for (const [message, field] of [
      [{ user: 'a b' }, 'user'],
      [{ exceptUser: '' }, 'exceptUser'],
      [{ exceptClient: 'x'.repeat(65) }, 'exceptClient'],
      [{ user: 42 as unknown as string }, 'user'],
      [{ user: 'a', exceptUser: 'b' }, 'exceptUser'],
    ] as const) {
      await assert.rejects(
        service.publish({ data: 1, ...message }),
        (err: unknown) =>
          err instanceof InvalidSseFieldException && err.field === field,
      );
    }
    assert.equal(transport.published.length, 0);
  });

  it('replays a user’s events to that user only, even from a transport that ignores the user', async () => {
    /** Replays every event after the id, whoever it was for. */
    class UserBlindTransport extends ControlledTransport {
      private readonly kept: StoredEvent[] = [];
      constructor() {
        super();
        this.events$.subscribe((e) => this.kept.push(e));
      }
      override replay(id: string): Promise<ReplayResult> {
        const at = this.kept.findIndex((e) => e.id === id);
        return Promise.resolve({ events: this.kept.slice(at + 1) });
      }
    }
    for (const transport of [
      new ControlledTransport(),
      new UserBlindTransport(),
    ]) {
      const { service } = withUsers(transport);
      const start = transport.head();
      await service.publish({ event: 'e', data: 'to alice', user: 'alice' });
      await service.publish({
        event: 'e',
        data: 'not alice',
        exceptUser: 'alice',
      });
      await service.publish({ event: 'e', data: 'all' });
      const replayed = async (user?: string) => {
        const client = connect(service, {
          request: { user },
          lastEventId: start,
        });
        await tick();
        return client.received().map((e) => e.data);
      };
      assert.deepEqual(await replayed('alice'), ['to alice', 'all']);
      assert.deepEqual(await replayed('bob'), ['not alice', 'all']);
      assert.deepEqual(await replayed(), ['not alice', 'all']);
    }
  });

  it('holds the stream until an asynchronous identify settles, then knows the user', async () => {
    let answer!: (user: string) => void;
    const { service } = setup({
      identify: () => new Promise<string>((resolve) => (answer = resolve)),
    });
    const client = connect(service, { request: {} });
    assert.equal(client.frames.length, 0);
    answer('carol');
    await tick();
    assert.equal(client.events()[0].event, 'connected');
    assert.equal(service.localStreamsOf('carol'), 1);
  });

  it('errors the stream before any frame when identify answers an invalid id', async () => {
    const { service } = setup({ identify: () => Promise.resolve('a b') });
    const client = connect(service, { request: {} });
    await tick();
    assert.equal(client.frames.length, 0);
    assert.ok(client.state.error instanceof InvalidSseFieldException);
    assert.throws(
      () => connect(setup({ identify: () => 'a\nb' }).service, { request: {} }),
      /Invalid SSE user/,
    );
  });
});

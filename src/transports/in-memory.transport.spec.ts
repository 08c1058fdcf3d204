import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSseBytes } from '../../test/support/parse-sse.js';
import type { StoredEvent } from './transport-event.js';
import { EventHistory } from './event-history.js';
import { DEFAULT_HISTORY_SIZE } from '../sse.constants.js';
import { InMemoryTransport } from './in-memory.transport.js';
import { SseTransport } from './sse.transport.js';

const stored = (seq: number, channel?: string, id = String(seq)) =>
  ({ seq, id, event: 'e', channel }) as StoredEvent;
const ids = (events: readonly StoredEvent[]) => events.map((e) => e.id);

describe('EventHistory', () => {
  it('keeps the newest `capacity` events, oldest first', () => {
    const history = new EventHistory(3);
    for (let seq = 1; seq <= 5; seq++) history.append(stored(seq));
    assert.deepEqual(ids(history.toArray()), ['3', '4', '5']);
  });

  it('gives what follows an id it holds, for the given channels only', () => {
    const history = new EventHistory(10);
    history.append(stored(1));
    history.append(stored(2, 'a'));
    history.append(stored(3, 'b'));
    history.append(stored(4));
    history.append(stored(5, 'a'));
    assert.deepEqual(history.after('1', { channels: ['a'] }, 5), {
      events: [stored(2, 'a'), stored(4), stored(5, 'a')],
    });
    assert.deepEqual(ids(history.after('1', { channels: [] }, 5).events), [
      '4',
    ]);
    assert.deepEqual(history.after('5', { channels: ['a'] }, 5), {
      events: [],
    });
  });

  it('marks an id older than the oldest kept event as expired and replays everything kept', () => {
    const history = new EventHistory(2);
    for (let seq = 10; seq <= 14; seq++) history.append(stored(seq));
    assert.deepEqual(history.after('10', { channels: [] }, 14), {
      events: [stored(13), stored(14)],
      gap: 'expired',
    });
  });

  it('marks an id it never issued as unknown and replays nothing', () => {
    const history = new EventHistory(5);
    history.append(stored(10));
    history.append(stored(11));
    for (const id of ['nope', '99', '-1', '', '1e3', '11.0']) {
      assert.deepEqual(history.after(id, { channels: [] }, 11), {
        events: [],
        gap: 'unknown',
      });
    }
  });

  it('replays a user event to that user only and an except-user event to everyone else', () => {
    const history = new EventHistory(10);
    const addressed = (seq: number, fields: Partial<StoredEvent>) =>
      ({ ...stored(seq), ...fields }) as StoredEvent;
    history.append(addressed(1, {}));
    history.append(addressed(2, { user: 'alice' }));
    history.append(addressed(3, { exceptUser: 'alice' }));
    history.append(addressed(4, { user: 'alice', channel: 'news' }));
    history.append(addressed(5, { exceptClient: 'tab-1' }));
    const replay = (user?: string, channels: string[] = []) =>
      ids(history.after('1', { channels, user }, 5).events);
    assert.deepEqual(replay('alice'), ['2', '5']);
    assert.deepEqual(replay('alice', ['news']), ['2', '4', '5']);
    assert.deepEqual(replay('bob', ['news']), ['3', '5']);
    assert.deepEqual(replay(), ['3', '5']);
  });

  it('finds publisher-chosen ids too', () => {
    const history = new EventHistory(5);
    history.append(stored(1, undefined, 'order-1'));
    history.append(stored(2, undefined, 'order-2'));
    assert.deepEqual(
      ids(history.after('order-1', { channels: [] }, 2).events),
      ['order-2'],
    );
  });

  it('keeps nothing with capacity 0', () => {
    const history = new EventHistory(0);
    history.append(stored(1));
    assert.deepEqual(history.toArray(), []);
    // At the last issued seq nothing is missing; before it, everything is.
    assert.deepEqual(history.after('1', { channels: [] }, 1), { events: [] });
    assert.deepEqual(history.after('0', { channels: [] }, 1), {
      events: [],
      gap: 'expired',
    });
  });

  it('reads a decimal it does not hold as a position: no gap when the event after it is kept', () => {
    const history = new EventHistory(3);
    // A transport's head before its first event: the seq before the first one.
    assert.deepEqual(history.after('9', { channels: [] }, 9), { events: [] });
    for (let seq = 10; seq <= 12; seq++) history.append(stored(seq));
    assert.deepEqual(history.after('9', { channels: [] }, 12), {
      events: [stored(10), stored(11), stored(12)],
    });
    history.append(stored(13));
    // Event 10 is gone: a client at 9 missed it.
    assert.deepEqual(history.after('9', { channels: [] }, 13), {
      events: [stored(11), stored(12), stored(13)],
      gap: 'expired',
    });
    assert.deepEqual(history.after('14', { channels: [] }, 13), {
      events: [],
      gap: 'unknown',
    });
  });
});

describe('InMemoryTransport', () => {
  it('is an SseTransport', () => {
    assert.ok(new InMemoryTransport() instanceof SseTransport);
  });

  it('assigns increasing seqs and decimal ids, and encodes the frame once with that id', async () => {
    const transport = new InMemoryTransport({ firstSeq: 100 });
    const a = await transport.publish({ event: 'x', data: '1' });
    const b = await transport.publish({
      event: 'y',
      data: '{"n":2}',
      channel: 'c',
    });
    assert.deepEqual([a.seq, a.id, b.seq, b.id], [100, '100', 101, '101']);
    assert.equal(b.channel, 'c');
    assert.deepEqual(parseSseBytes(b.frame.bytes).events, [
      { id: '101', event: 'y', data: '{"n":2}' },
    ]);
  });

  it('keeps a publisher-chosen id but still orders by seq', async () => {
    const transport = new InMemoryTransport({ firstSeq: 1 });
    const a = await transport.publish({ event: 'x', data: '1', id: 'mine' });
    assert.deepEqual([a.seq, a.id], [1, 'mine']);
    assert.equal(parseSseBytes(a.frame.bytes).events[0].id, 'mine');
  });

  it('starts above the ids of a process started earlier', async () => {
    const before = await new InMemoryTransport().publish({
      event: 'x',
      data: '',
    });
    await new Promise((r) => setTimeout(r, 2));
    const after = await new InMemoryTransport().publish({
      event: 'x',
      data: '',
    });
    assert.ok(after.seq > before.seq);
    assert.ok(Number(after.id) > Number(before.id));
  });

  it('emits every event on events$ in order, before publish resolves', async () => {
    const transport = new InMemoryTransport({ firstSeq: 1 });
    const seen: number[] = [];
    const subscription = transport.events$.subscribe((e) => seen.push(e.seq));
    const first = transport.publish({ event: 'x', data: '' });
    assert.deepEqual(seen, [1]);
    await first;
    await transport.publish({ event: 'x', data: '' });
    subscription.unsubscribe();
    await transport.publish({ event: 'x', data: '' });
    assert.deepEqual(seen, [1, 2]);
  });

  it('recognises its own default (start-time) ids as expired once they leave history', async () => {
    const transport = new InMemoryTransport({ historySize: 2 });
    const first = await transport.publish({ event: 'x', data: '1' });
    for (const data of ['2', '3', '4']) {
      await transport.publish({ event: 'x', data });
    }
    // Event 2, the first one after `first`, has left history.
    const replay = await transport.replay(first.id, []);
    assert.equal(replay.gap, 'expired');
    assert.equal(replay.events.length, 2);
  });

  it('treats an id from a process that ran earlier as expired, not as unknown', async () => {
    const old = await new InMemoryTransport().publish({ event: 'x', data: '' });
    await new Promise((r) => setTimeout(r, 2));
    const transport = new InMemoryTransport();
    await transport.publish({ event: 'x', data: 'after restart' });
    const replay = await transport.replay(old.id, []);
    assert.equal(replay.gap, 'expired');
    assert.equal(replay.events.length, 1);
  });

  it('gives its head: before the first event a position replay reads without a gap, then the last id', async () => {
    const transport = new InMemoryTransport({ firstSeq: 100, historySize: 2 });
    const start = transport.head();
    assert.equal(start, '99');
    assert.deepEqual(await transport.replay(start, []), { events: [] });
    const a = await transport.publish({ event: 'x', data: '1' });
    assert.equal(transport.head(), a.id);
    assert.deepEqual(ids((await transport.replay(start, [])).events), ['100']);
    const b = await transport.publish({ event: 'x', data: '2', id: 'mine' });
    assert.equal(transport.head(), b.id);
    await transport.publish({ event: 'x', data: '3' });
    // The event after `start` left history: that client missed it.
    assert.equal((await transport.replay(start, [])).gap, 'expired');
  });

  it('replays from its bounded history', async () => {
    const transport = new InMemoryTransport({ firstSeq: 1, historySize: 3 });
    for (let i = 0; i < 5; i++) {
      await transport.publish({
        event: 'x',
        data: String(i),
        channel: i % 2 ? 'odd' : undefined,
      });
    }
    assert.deepEqual(ids((await transport.replay('3', [])).events), ['5']);
    assert.deepEqual(ids((await transport.replay('3', ['odd'])).events), [
      '4',
      '5',
    ]);
    const expired = await transport.replay('1', ['odd']);
    assert.equal(expired.gap, 'expired');
    assert.deepEqual(ids(expired.events), ['3', '4', '5']);
    assert.deepEqual(await transport.replay('zzz', []), {
      events: [],
      gap: 'unknown',
    });
  });

  it('keeps DEFAULT_HISTORY_SIZE events unless told otherwise', async () => {
    const transport = new InMemoryTransport({ firstSeq: 1 });
    for (let i = 0; i < DEFAULT_HISTORY_SIZE + 2; i++) {
      await transport.publish({ event: 'x', data: String(i) });
    }
    const replay = await transport.replay('1', []);
    assert.equal(replay.gap, 'expired');
    assert.equal(replay.events.length, DEFAULT_HISTORY_SIZE);
  });

  it('refuses a historySize that is not a non-negative integer, naming the option', () => {
    for (const historySize of [-1, 1.5, NaN, Infinity, '5' as unknown]) {
      assert.throws(
        () => new InMemoryTransport({ historySize: historySize as number }),
        /InMemoryTransport option historySize must be an integer of at least 0/,
      );
    }
  });
});

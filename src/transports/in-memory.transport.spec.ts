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
    assert.deepEqual(history.after('1', ['a']), {
      events: [stored(2, 'a'), stored(4), stored(5, 'a')],
    });
    assert.deepEqual(ids(history.after('1', []).events), ['4']);
    assert.deepEqual(history.after('5', ['a']), { events: [] });
  });

  it('marks an id older than the oldest kept event as expired and replays everything kept', () => {
    const history = new EventHistory(2);
    for (let seq = 10; seq <= 14; seq++) history.append(stored(seq));
    assert.deepEqual(history.after('10', []), {
      events: [stored(13), stored(14)],
      gap: 'expired',
    });
  });

  it('marks an id it never issued as unknown and replays nothing', () => {
    const history = new EventHistory(5);
    history.append(stored(10));
    history.append(stored(11));
    for (const id of ['nope', '99', '-1', '', '1e3', '11.0']) {
      assert.deepEqual(history.after(id, []), { events: [], gap: 'unknown' });
    }
  });

  it('finds publisher-chosen ids too', () => {
    const history = new EventHistory(5);
    history.append(stored(1, undefined, 'order-1'));
    history.append(stored(2, undefined, 'order-2'));
    assert.deepEqual(ids(history.after('order-1', []).events), ['order-2']);
  });

  it('keeps nothing with capacity 0', () => {
    const history = new EventHistory(0);
    history.append(stored(1));
    assert.deepEqual(history.toArray(), []);
    assert.equal(history.after('1', []).events.length, 0);
    assert.notEqual(history.after('1', []).gap, undefined);
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
    await transport.publish({ event: 'x', data: '2' });
    await transport.publish({ event: 'x', data: '3' });
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
    for (let i = 0; i < DEFAULT_HISTORY_SIZE + 1; i++) {
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

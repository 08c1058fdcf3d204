import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisEventFeed } from './redis-event-feed.js';
import { envelopeOf } from './redis-envelope.spec-helper.js';
import { waitFor } from '../../test/support/wait.js';

const silent = { log() {}, warn() {}, error() {} };

/** A feed over an in-process history; records what it emits and reports. */
function feedWith(history: Buffer[] = [], failures = 0) {
  const emitted: string[] = [];
  const gaps: [string, number, number][] = [];
  const fetches: [number, number | undefined][] = [];
  let failuresLeft = failures;
  const feed = new RedisEventFeed(
    {
      emit: ({ event }) => emitted.push(event.id),
      gap: (lastEventId, nextSeq, recovered) =>
        gaps.push([lastEventId, nextSeq, recovered]),
      fetch: (after, before) => {
        fetches.push([after, before]);
        if (failuresLeft-- > 0) return Promise.reject(new Error('down'));
        return Promise.resolve(
          history.filter((entry) => {
            const seq = Number(entry.toString().split(' ')[0]);
            return seq > after && (before === undefined || seq < before);
          }),
        );
      },
    },
    silent,
  );
  const settle = () => new Promise((r) => setTimeout(r, 20));
  return { feed, emitted, gaps, fetches, settle };
}

describe('RedisEventFeed', () => {
  it('emits events that follow each other at once, without reading history', () => {
    const { feed, emitted, fetches } = feedWith();
    feed.push(envelopeOf(10, 3));
    feed.push(envelopeOf(11, 10));
    feed.push(envelopeOf(15, 11));
    assert.deepEqual(emitted, ['10', '11', '15']);
    assert.deepEqual(fetches, []);
  });

  it('fills a hole from history before the next event, and reports nothing', async () => {
    const history = [
      envelopeOf(11, 10),
      envelopeOf(12, 11),
      envelopeOf(13, 12),
    ];
    const { feed, emitted, gaps, fetches, settle } = feedWith(history);
    feed.push(envelopeOf(10, 0));
    feed.push(envelopeOf(13, 12));
    feed.push(envelopeOf(14, 13)); // arrives while the hole is being filled
    await settle();
    assert.deepEqual(emitted, ['10', '11', '12', '13', '14']);
    assert.deepEqual(gaps, []);
    assert.deepEqual(fetches, [[10, 13]]);
  });

  it('reports a hole history no longer covers, then goes on', async () => {
    const history = [envelopeOf(12, 11), envelopeOf(13, 12)];
    const { feed, emitted, gaps, settle } = feedWith(history);
    feed.push(envelopeOf(10, 0, { id: 'custom' }));
    feed.push(envelopeOf(14, 13));
    await settle();
    assert.deepEqual(gaps, [['custom', 12, 2]]);
    assert.deepEqual(emitted, ['custom', '12', '13', '14']);
  });

  it('reports a reset (Redis came back empty: prev 0)', async () => {
    const { feed, emitted, gaps, settle } = feedWith();
    feed.push(envelopeOf(10, 9));
    feed.push(envelopeOf(50, 0));
    await settle();
    assert.deepEqual(gaps, [['10', 50, 0]]);
    assert.deepEqual(emitted, ['10', '50']);
  });

  it('skips what it already emitted', async () => {
    const history = [envelopeOf(11, 10), envelopeOf(12, 11)];
    const { feed, emitted, settle } = feedWith(history);
    feed.push(envelopeOf(10, 0));
    feed.resync();
    feed.push(envelopeOf(11, 10));
    feed.push(envelopeOf(12, 11));
    feed.push(envelopeOf(10, 0));
    await settle();
    assert.deepEqual(emitted, ['10', '11', '12']);
  });

  it('catches up after a reconnect even when nothing new arrives', async () => {
    const history = [envelopeOf(11, 10), envelopeOf(12, 11)];
    const { feed, emitted, gaps, fetches, settle } = feedWith(history);
    feed.push(envelopeOf(10, 0));
    feed.resync();
    await settle();
    assert.deepEqual(emitted, ['10', '11', '12']);
    assert.deepEqual(gaps, []);
    assert.deepEqual(fetches, [[10, undefined]]);
  });

  it('retries a failed history read, and reports the hole when it keeps failing', async () => {
    const retried = feedWith([envelopeOf(11, 10)], 1);
    retried.feed.push(envelopeOf(10, 0));
    retried.feed.push(envelopeOf(12, 11));
    await waitFor(() => retried.emitted.length === 3, 5000, 'the retry');
    assert.deepEqual(retried.emitted, ['10', '11', '12']);
    assert.deepEqual(retried.gaps, []);
    assert.equal(retried.fetches.length, 2);

    const failing = feedWith([envelopeOf(11, 10)], 99);
    failing.feed.push(envelopeOf(10, 0));
    failing.feed.push(envelopeOf(12, 11));
    await waitFor(() => failing.emitted.length === 2, 5000, 'giving up');
    assert.equal(failing.fetches.length, 3);
    assert.deepEqual(failing.gaps, [['10', 12, 0]]);
    assert.deepEqual(failing.emitted, ['10', '12']);
  });

  it('ignores a message it cannot read', () => {
    const { feed, emitted } = feedWith();
    feed.push(Buffer.from('not an envelope'));
    feed.push(envelopeOf(1, 0));
    assert.deepEqual(emitted, ['1']);
  });
});

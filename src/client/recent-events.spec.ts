import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentEvents } from './recent-events.js';

const numbered = (n: number, lastEventId: string) => ({
  n,
  event: { type: 'message', data: String(n), lastEventId },
});

describe('RecentEvents', () => {
  it('gives the events after the last one carrying a position', () => {
    const recent = new RecentEvents('10');
    // 11, then an event without an id (it carries 11), then 12.
    for (const e of [numbered(1, '11'), numbered(2, '11'), numbered(3, '12')]) {
      recent.add(e);
    }
    assert.deepEqual(
      recent.after('11')?.map(({ n }) => n),
      [3],
    );
    assert.deepEqual(recent.after('12'), []);
    // From where the stream started: all of them.
    assert.deepEqual(
      recent.after('10')?.map(({ n }) => n),
      [1, 2, 3],
    );
  });

  it('joins live without a position, and says when a position is not kept', () => {
    const recent = new RecentEvents('', 2);
    for (const n of [1, 2, 3]) recent.add(numbered(n, String(n)));
    assert.deepEqual(recent.after(''), []);
    // 1 fell out: a tab at 1 still gets 2 and 3, a tab before it nothing.
    assert.deepEqual(
      recent.after('1')?.map(({ n }) => n),
      [2, 3],
    );
    assert.equal(recent.after('0'), undefined);
    assert.equal(recent.after('elsewhere'), undefined);
  });
});

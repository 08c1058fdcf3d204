import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import fc from 'fast-check';
import { isoTimeNow } from './iso-time.js';

describe('isoTimeNow', () => {
  afterEach(() => mock.restoreAll());

  it('is what Date#toISOString gives for the same moment (property)', () => {
    let now = 0;
    mock.method(Date, 'now', () => now);
    fc.assert(
      fc.property(
        // From 1970 to 2100, and times within one second of each other.
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.integer({ min: 0, max: 999 }),
        (time, later) => {
          for (const moment of [time, time + later, time - (time % 1000)]) {
            now = moment;
            assert.equal(isoTimeNow(), new Date(moment).toISOString());
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

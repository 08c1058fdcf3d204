import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import fc from 'fast-check';
import { KeepAliveTimer } from './keep-alive-timer.js';

const INTERVAL_MS = 1000;
/** The timer ticks four times per interval. */
const TICK_MS = INTERVAL_MS / 4;

/**
 * One stream kept alive by a timer, as the library's streams are: it notes
 * the tick of each write, and the timer's round writes the comment to it
 * when due. Writes are `{ at, comment }`, `at` in (mocked) ms since start.
 */
function keptAliveStream() {
  const writes: { at: number; comment: boolean }[] = [];
  let writtenIn = 0;
  const timer = new KeepAliveTimer(INTERVAL_MS / 1000, (frame) => {
    assert.match(frame.comment ?? '', /^keep-alive \d{4}-/);
    if (!timer.isDue(writtenIn)) return;
    writtenIn = timer.tick;
    // Ticks come every TICK_MS from the start: this one's time.
    writes.push({ at: timer.tick * TICK_MS, comment: true });
  });
  timer.start();
  let now = 0;
  return {
    timer,
    writes,
    /** Lets `ms` pass, then writes a frame. */
    writeAfter(ms: number) {
      mock.timers.tick(ms);
      now += ms;
      writtenIn = timer.tick;
      writes.push({ at: now, comment: false });
    },
    wait(ms: number) {
      mock.timers.tick(ms);
      now += ms;
    },
    /** The (mocked) ms since start. */
    now: () => now,
  };
}

describe('KeepAliveTimer', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('comments on a silent stream once per interval', () => {
    const stream = keptAliveStream();
    stream.writeAfter(0);
    stream.wait(4 * INTERVAL_MS);
    stream.timer.stop();
    assert.deepEqual(
      stream.writes.filter((w) => w.comment).map((w) => w.at),
      [1000, 2000, 3000, 4000],
    );
  });

  it('leaves alone a stream written to at least every three quarters of the interval', () => {
    const stream = keptAliveStream();
    for (let i = 0; i < 20; i++) stream.writeAfter(0.74 * INTERVAL_MS);
    stream.timer.stop();
    assert.equal(stream.writes.filter((w) => w.comment).length, 0);
  });

  it('never leaves a stream silent longer than the interval, nor comments within three quarters of a write (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 * INTERVAL_MS }), {
          maxLength: 30,
        }),
        (gaps) => {
          mock.timers.reset();
          mock.timers.enable({ apis: ['setInterval'] });
          const stream = keptAliveStream();
          stream.writeAfter(0);
          for (const gap of gaps) stream.writeAfter(gap);
          stream.wait(3 * INTERVAL_MS);
          stream.timer.stop();
          const all = [...stream.writes].sort((a, b) => a.at - b.at);
          // The end of the observation counts as a moment it must be heard by.
          const moments = [...all, { at: stream.now(), comment: false }];
          for (let i = 1; i < moments.length; i++) {
            const silence = moments[i].at - moments[i - 1].at;
            assert.ok(silence <= INTERVAL_MS, `silent ${silence} ms`);
            if (moments[i].comment) {
              assert.ok(
                silence >= 0.75 * INTERVAL_MS,
                `a comment ${silence} ms after a write`,
              );
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sends nothing when keepAliveSeconds is 0', () => {
    const sent: unknown[] = [];
    const timer = new KeepAliveTimer(0, (frame) => sent.push(frame));
    timer.start();
    mock.timers.tick(60_000);
    timer.stop();
    assert.deepEqual(sent, []);
  });
});

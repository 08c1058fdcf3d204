import { SseFrame } from './sse-frame.js';

/**
 * Ticks per `keepAliveSeconds`. A stream gets the comment at the tick that
 * ends its fourth tick without a write: silent for between three quarters
 * of the interval and the whole of it, never longer.
 */
const TICKS_PER_INTERVAL = 4;

/**
 * One timer for many streams, for the streams that stay silent: each stream
 * notes the `tick` of its last write (a field store per write, no clock
 * read), and every tick the timer builds one `: keep-alive <time>` comment
 * frame and hands it to `send`, which writes it to the streams `isDue`
 * says need it. A stream written to at least every three quarters of
 * `keepAliveSeconds` (a connect storm, a steady broadcast rate) gets no
 * comment at all. Runs only while started, never keeps the process alive,
 * and does nothing when `seconds` is 0.
 */
export class KeepAliveTimer {
  /** How many ticks have passed: what a stream notes when written to. */
  tick = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly seconds: number,
    private readonly send: (frame: SseFrame) => void,
  ) {}

  start(): void {
    if (this.timer || this.seconds <= 0) return;
    this.timer = setInterval(
      () => {
        this.tick++;
        this.send(SseFrame.comment(`keep-alive ${new Date().toISOString()}`));
      },
      (this.seconds * 1000) / TICKS_PER_INTERVAL,
    );
    this.timer.unref();
  }

  /** Whether a stream last written to during tick `writtenIn` must get the comment now. */
  isDue(writtenIn: number): boolean {
    return this.tick - writtenIn >= TICKS_PER_INTERVAL;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

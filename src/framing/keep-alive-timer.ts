import { SseFrame } from './sse-frame.js';

/**
 * One interval for many streams: every tick builds one `: keep-alive <time>`
 * comment frame and hands it to `send`. Runs only while started, never keeps
 * the process alive, and does nothing when `seconds` is 0.
 */
export class KeepAliveTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly seconds: number,
    private readonly send: (frame: SseFrame) => void,
  ) {}

  start(): void {
    if (this.timer || this.seconds <= 0) return;
    this.timer = setInterval(() => {
      this.send(SseFrame.comment(`keep-alive ${new Date().toISOString()}`));
    }, this.seconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

import { SseFrame } from './sse-frame.js';

/**
 * The last frame of a stream ended by shutdown: a `retry:` of `retryMs` plus
 * a random share of `spreadMs`, so the clients of a stopping instance do not
 * all reconnect in the same instant. It dispatches no event.
 */
export function shutdownRetryFrame(
  retryMs: number,
  spreadMs: number,
  id?: string,
): SseFrame {
  const retry = retryMs + Math.floor(Math.random() * (spreadMs + 1));
  return SseFrame.from({ retry, id });
}

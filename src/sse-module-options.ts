import type { SseTransport } from './transports/sse.transport.js';

/** Options of `SseModule.forRoot()` / `forRootAsync()`. Every one is optional. */
export interface SseModuleOptions {
  /**
   * Seconds between `: keep-alive` comments on every open stream, which keep
   * proxies with idle timeouts (ALB 60 s, Cloudflare ~100 s) from cutting it.
   * `0` turns them off.
   * @default 15
   */
  keepAliveSeconds?: number;
  /**
   * Reconnection delay in ms that clients are told in the first frame of
   * every broadcast stream (`retry:`).
   * @default 2000
   */
  retryMs?: number;
  /**
   * Events kept for replay to a client that reconnects with `Last-Event-ID`.
   * `0` keeps none.
   * @default 1000
   */
  historySize?: number;
  /**
   * Streams this process serves at once; one more is answered 503.
   * @default Infinity
   */
  maxClients?: number;
  /**
   * Bytes a client may leave unread before it is dropped: its connection is
   * closed, and it replays what it missed when it reconnects.
   * @default 4 MiB
   */
  maxBufferedBytes?: number;
  /**
   * Carries events between publishers and streams, and keeps the history.
   * @default an `InMemoryTransport` (one process)
   */
  transport?: SseTransport;
}

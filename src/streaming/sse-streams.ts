/** Counters of every stream this process serves (`@SseRoute()` routes). */
export interface SseStreamStats {
  /** Streams open now. */
  readonly open: number;
  /** Streams opened since start. */
  readonly opened: number;
  /** Streams cut because their client left more than `maxBufferedBytes` unread, since start. */
  readonly dropped: number;
}

/**
 * Read-only view of the streams this process serves, for logs, metrics and
 * health checks. Injectable by this class wherever `SseModule` is imported:
 *
 * ```ts
 * constructor(private readonly streams: SseStreams) {}
 * ...
 * this.streams.stats.open;
 * ```
 */
export abstract class SseStreams {
  /** A snapshot of the counters. */
  abstract get stats(): SseStreamStats;
}

/** Counters of `BroadcastService`, for logs and metrics. */
export interface BroadcastStats {
  /** Broadcast streams open now in this process. */
  connected: number;
  /** Events published through this process since start. */
  published: number;
  /** Live events handed to open streams (one per recipient) since start. */
  delivered: number;
  /**
   * Streams cut because their client stopped reading (more than
   * `maxBufferedBytes` unread), on any `@SseRoute()`, since start.
   */
  dropped: number;
  /** Events replayed to clients that reconnected with `Last-Event-ID`. */
  replayed: number;
}

/**
 * Counters of `BroadcastService`, for logs and metrics. Counts of every
 * stream (open, opened, dropped) are `SseStreams.stats`.
 */
export interface BroadcastStats {
  /** Broadcast streams open now in this process. */
  connected: number;
  /** Events published through this process since start. */
  published: number;
  /** Live events handed to open streams (one per recipient) since start. */
  delivered: number;
  /** Events replayed to clients that reconnected with `Last-Event-ID`. */
  replayed: number;
}

/**
 * One Server-Sent Event as a handler emits it: the same shape as Nest's
 * `MessageEvent`, so existing `@Sse()` code moves over unchanged.
 */
export interface SseMessage {
  /**
   * The payload: a string is sent as is, anything else as JSON. Without it
   * the frame dispatches no event (a bare `retry` or `id`).
   */
  data?: unknown;
  /** The event name (`event:` field); the client dispatches `message` when absent. */
  type?: string;
  /** The event id (`id:` field), echoed by the client as `Last-Event-ID`. */
  id?: string;
  /** Reconnection delay in ms (`retry:` field). */
  retry?: number;
  /** A comment line, ignored by clients (keep-alives use it). */
  comment?: string;
}

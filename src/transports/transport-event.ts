import type { SseFrame } from '../framing/sse-frame.js';

/** An event as `BroadcastService` hands it to the transport: validated and serialized once. */
export interface OutgoingEvent {
  event: string;
  /** The `data` field's text (already serialized). */
  data: string;
  channel?: string;
  /** Only this user's streams receive it (see `EventAudience`). */
  user?: string;
  /** Every stream in scope except this user's. */
  exceptUser?: string;
  /** Every stream in scope except the one with this client id. */
  exceptClient?: string;
  id?: string;
}

/** An event as the transport stored and delivers it. */
export interface StoredEvent {
  /** Position in the transport's order; increases with every event. */
  readonly seq: number;
  /** The wire `id` (the decimal `seq` unless the publisher chose one). */
  readonly id: string;
  readonly event: string;
  readonly channel?: string;
  /** Addressed to this user's streams only. */
  readonly user?: string;
  /** Addressed to every stream in scope but this user's. */
  readonly exceptUser?: string;
  /** Addressed to every stream in scope but the one with this client id. */
  readonly exceptClient?: string;
  /** The encoded frame, shared by every recipient. */
  readonly frame: SseFrame;
}

/** Why a replay could not cover everything since `Last-Event-ID`. */
export type HistoryGapReason = 'expired' | 'unknown';

/** What a transport found in its history for a reconnecting client. */
export interface ReplayResult {
  /** Events after the client's last id, oldest first, for its channels. */
  readonly events: readonly StoredEvent[];
  /**
   * Set when the client's id is not in history: `expired` (older than the
   * oldest kept event: `events` is then the whole history) or `unknown`
   * (never issued here: `events` is empty).
   */
  readonly gap?: HistoryGapReason;
}

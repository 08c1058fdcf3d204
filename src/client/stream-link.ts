import type { StreamState } from './event-stream-reader.js';
import type { MessageEventLike } from './typed-event-source.js';

/**
 * How this tab's subscription reads its stream: `own` (a connection of its
 * own), `worker` (a SharedWorker holds the one connection), `leader` (this
 * tab holds it for the others) or `follower` (another tab does).
 */
export type SharingRole = 'own' | 'worker' | 'leader' | 'follower';

/** What a link tells the subscription it serves. */
export interface LinkHandlers {
  onEvent(event: MessageEventLike): void;
  onState(state: StreamState, reason?: string): void;
  onRole(role: SharingRole): void;
}

/** One way of getting a stream's events to one subscription. */
export interface StreamLink {
  /** Ends this subscription (and the connection, when it was the last). */
  close(): void;
}

/** Where a link starts and how it connects. */
export interface LinkTarget {
  /** The absolute stream URL. */
  url: string;
  lastEventId: string;
  withCredentials: boolean;
}

/** The name tabs and the worker use for one stream (URL and credentials). */
export const streamKey = ({ url, withCredentials }: LinkTarget): string =>
  `nestjs-sse-broadcast:${withCredentials ? 'credentials' : 'same-origin'}:${url}`;

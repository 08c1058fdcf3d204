import type { StreamState } from './event-stream-reader.js';
import type { MessageEventLike } from './typed-event-source.js';

/** Tab → worker: read `url` for me (resuming after `lastEventId`), or stop. */
export type ToWorker =
  | {
      type: 'open';
      url: string;
      withCredentials: boolean;
      lastEventId: string;
      /** A Web Lock this tab holds while subscribed: when the worker gets it, the tab is gone. */
      tabLock?: string;
    }
  | { type: 'close' };

/** Worker → tab: an event, or the state of the shared connection. */
export type FromWorker =
  | { type: 'event'; event: MessageEventLike }
  | { type: 'state'; state: StreamState; reason?: string };

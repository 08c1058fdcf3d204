import type { StreamState } from './event-stream-reader.js';
import type { NumberedEvent } from './recent-events.js';
import type { MessageEventLike } from './typed-event-source.js';

/**
 * What tabs sharing a stream say over their BroadcastChannel. `epoch`
 * grows with each leader, so a word from a leader that is gone is known
 * as stale; `n` numbers events across leaders, so none counts twice.
 */
export type TabMessage =
  /** A tab that joins asks the leader where the stream is. */
  | { kind: 'hello'; from: string; lastEventId: string }
  /** The leader's answer to one tab: the position, and what it missed. */
  | {
      kind: 'welcome';
      to: string;
      epoch: number;
      n: number;
      lastEventId: string;
      state: StreamState;
      reason?: string;
      /** The kept events after the tab's position; null: not kept (it joins live). */
      replay: NumberedEvent[] | null;
    }
  | { kind: 'event'; epoch: number; n: number; event: MessageEventLike }
  | { kind: 'state'; epoch: number; state: StreamState; reason?: string };

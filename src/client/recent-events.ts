import type { MessageEventLike } from './typed-event-source.js';

/** An event as the shared stream relays it: numbered in the order read. */
export interface NumberedEvent {
  /** 1, 2, 3… over the life of the shared stream, across takeovers. */
  n: number;
  event: MessageEventLike;
}

/** How many recent events a shared stream keeps for tabs that join late. */
export const RECENT_EVENTS = 256;

/**
 * The last events of a shared stream, so that a tab which joins it with a
 * position of its own (a reload that resumes) gets what it missed without
 * a connection of its own.
 */
export class RecentEvents {
  private readonly events: NumberedEvent[] = [];

  /**
   * @param start the position the stream started from (its first
   *   request's Last-Event-ID): a tab there gets every kept event.
   */
  constructor(
    private start = '',
    private readonly capacity = RECENT_EVENTS,
  ) {}

  add(numbered: NumberedEvent): void {
    this.events.push(numbered);
    if (this.events.length > this.capacity) {
      this.start = this.events.shift()?.event.lastEventId ?? '';
    }
  }

  /**
   * The events after position `lastEventId`: none when the stream is there
   * (or the tab has no position), `undefined` when the position is not
   * among the kept events (older, or from another stream): the tab then
   * joins live.
   */
  after(lastEventId: string): NumberedEvent[] | undefined {
    if (!lastEventId) return [];
    // Events without an id carry the one before: resume after the last
    // event that carries `lastEventId`.
    for (let i = this.events.length - 1; i >= 0; i--) {
      if (this.events[i].event.lastEventId === lastEventId) {
        return this.events.slice(i + 1);
      }
    }
    return lastEventId === this.start ? this.events.slice() : undefined;
  }
}

import type { StoredEvent } from './transport-event.js';

/** What decides whether a stream is addressed by an event: its channels and its user. */
export interface StreamAudience {
  readonly channels: readonly string[];
  /** The stream's user (the `identify` option); undefined for an anonymous stream. */
  readonly user?: string;
}

/**
 * Whether an event is for a stream, as replay decides it: an event without
 * a channel counts for every stream, one with a channel for its subscribers;
 * a `user` event only for that user's streams (never an anonymous one), an
 * `exceptUser` event for every stream but that user's. `exceptClient` is
 * not checked: a reconnecting stream is a new client.
 */
export function isAddressedTo(
  event: Pick<StoredEvent, 'channel' | 'user' | 'exceptUser'>,
  { channels, user }: StreamAudience,
): boolean {
  if (event.channel !== undefined && !channels.includes(event.channel)) {
    return false;
  }
  if (event.user !== undefined && event.user !== user) return false;
  return event.exceptUser === undefined || event.exceptUser !== user;
}

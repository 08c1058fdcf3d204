import { isAddressedTo } from '../transports/event-audience.js';
import type { StoredEvent } from '../transports/transport-event.js';
import type { PresenceSnapshot } from '../presence/presence.types.js';
import type { BroadcastClient } from './broadcast-client.js';
import type { ConnectedClients } from './broadcast-stream.types.js';

const addTo = <K, V>(index: Map<K, Set<V>>, key: K, value: V) => {
  let members = index.get(key);
  if (!members) index.set(key, (members = new Set()));
  members.add(value);
};

const removeFrom = <K, V>(index: Map<K, Set<V>>, key: K, value: V) => {
  const members = index.get(key);
  members?.delete(value);
  if (members?.size === 0) index.delete(key);
};

/**
 * The open broadcast streams of this process, indexed by channel and by
 * user, so that finding an event's recipients costs the size of its
 * audience: a channel's subscribers, a user's streams, not every stream.
 */
export class ClientIndex {
  readonly all = new Set<BroadcastClient>();
  private readonly byChannel = new Map<string, Set<BroadcastClient>>();
  private readonly byUser = new Map<string, Set<BroadcastClient>>();

  get size(): number {
    return this.all.size;
  }

  has(client: BroadcastClient): boolean {
    return this.all.has(client);
  }

  add(client: BroadcastClient): void {
    this.all.add(client);
    for (const channel of client.channels) {
      addTo(this.byChannel, channel, client);
    }
    if (client.user !== undefined) addTo(this.byUser, client.user, client);
  }

  /** False when it was not there. */
  remove(client: BroadcastClient): boolean {
    if (!this.all.delete(client)) return false;
    for (const channel of client.channels) {
      removeFrom(this.byChannel, channel, client);
    }
    if (client.user !== undefined) {
      removeFrom(this.byUser, client.user, client);
    }
    return true;
  }

  /**
   * Calls `deliver` for every stream the event is addressed to and returns
   * how many: a user's streams (those of them subscribed to its channel, if
   * it has one), or the channel's subscribers, or everyone, minus the
   * streams of `exceptUser` and the stream `exceptClient`.
   */
  forEachRecipient(
    event: StoredEvent,
    deliver: (client: BroadcastClient) => void,
  ): number {
    const { channel, user, exceptUser, exceptClient } = event;
    const scope =
      user !== undefined
        ? this.byUser.get(user)
        : channel === undefined
          ? this.all
          : this.byChannel.get(channel);
    if (!scope) return 0;
    // Plain broadcasts, the hot path, check nothing per client.
    const plain =
      exceptUser === undefined &&
      exceptClient === undefined &&
      (user === undefined || channel === undefined);
    if (plain) {
      for (const client of scope) deliver(client);
      return scope.size;
    }
    // The rule replay applies too, plus the one stream left out.
    let count = 0;
    for (const client of scope) {
      if (client.id === exceptClient || !isAddressedTo(event, client)) continue;
      deliver(client);
      count++;
    }
    return count;
  }

  /** Open streams of `user` here. */
  streamsOf(user: string): number {
    return this.byUser.get(user)?.size ?? 0;
  }

  get connectedClients(): ConnectedClients {
    const channels: Record<string, number> = {};
    for (const [name, members] of this.byChannel) channels[name] = members.size;
    return { total: this.all.size, channels };
  }

  snapshot(): PresenceSnapshot {
    const { total, channels } = this.connectedClients;
    const users: Record<string, number> = {};
    for (const [user, members] of this.byUser) users[user] = members.size;
    return { connected: total, channels, users };
  }
}

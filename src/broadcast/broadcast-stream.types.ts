/** What `BroadcastService.stream` takes. */
export interface StreamOptions {
  /** Channels to receive besides the events sent to everyone. */
  channels?: readonly string[];
  /** The client's `Last-Event-ID`: what came after it is replayed first. */
  lastEventId?: string;
  /**
   * The framework's request, handed to the `authorize` and `identify`
   * options (required when either is set).
   */
  request?: unknown;
}

/** Open broadcast streams, in all and per channel. */
export interface ConnectedClients {
  total: number;
  channels: Record<string, number>;
}

/** A stream opening or closing, as `BroadcastService.clientChanges$` reports it. */
export interface ClientChange {
  type: 'connect' | 'disconnect';
  clientId: string;
  channels: readonly string[];
  /** Whose stream it is (the `identify` option); undefined when anonymous. */
  user?: string;
}

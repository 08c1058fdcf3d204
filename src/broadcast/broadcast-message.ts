/** What `BroadcastService.publish` takes. */
export interface BroadcastMessage {
  /** Event name; clients listen with `addEventListener(event)`. @default 'message' */
  event?: string;
  /** Payload: a string as is, anything else as JSON. */
  data: unknown;
  /** Only subscribers of this channel receive it; without one, every client does. */
  channel?: string;
  /**
   * Only this user's streams receive it (the `identify` option says whose a
   * stream is), on every instance; with `channel`, only those of them
   * subscribed to it. An anonymous stream never does. A user with no open
   * stream is not an error: nobody receives it.
   */
  user?: string;
  /** Every stream in scope (everyone, or `channel`) except this user's. Not with `user`. */
  exceptUser?: string;
  /**
   * Every stream in scope except this one: the `clientId` of its `connected`
   * event, e.g. the tab that caused the event. Live delivery only: a stream
   * that reconnects is a new client and replays it.
   */
  exceptClient?: string;
  /** Wire id; by default the transport assigns an increasing one. */
  id?: string;
}

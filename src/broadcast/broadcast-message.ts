/** What `BroadcastService.publish` takes. */
export interface BroadcastMessage {
  /** Event name; clients listen with `addEventListener(event)`. @default 'message' */
  event?: string;
  /** Payload: a string as is, anything else as JSON. */
  data: unknown;
  /** Only subscribers of this channel receive it; without one, every client does. */
  channel?: string;
  /** Wire id; by default the transport assigns an increasing one. */
  id?: string;
}

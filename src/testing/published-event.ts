/** One successful `publish()`, as `RecordingBroadcastService` records it. */
export interface PublishedEvent {
  /** The id `publish()` resolved with (the `id:` clients received). */
  readonly id: string;
  /** The event name: the one given, else `message`. */
  readonly event: string;
  /** The data as given to `publish()` (not a copy). */
  readonly data: unknown;
  /** The channel it went to; absent for an event to every client. */
  readonly channel?: string;
}

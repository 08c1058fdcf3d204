/** Seconds between keep-alive comments on every open stream. */
export const DEFAULT_KEEP_ALIVE_SECONDS = 15;
/** Reconnection delay (ms) sent in the first frame of every stream. */
export const DEFAULT_RETRY_MS = 2000;
/** Events kept for replay to clients that reconnect with `Last-Event-ID`. */
export const DEFAULT_HISTORY_SIZE = 1000;
/**
 * Bytes a client may leave unread in its socket buffer before it is dropped
 * (it reconnects and replays what it missed).
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Channels one stream may subscribe to, unless `maxChannelsPerStream` says otherwise. */
export const DEFAULT_MAX_CHANNELS_PER_STREAM = 64;
/**
 * Longest event id a publisher may choose (default ids are 16 digits). A
 * `Last-Event-ID` longer than this cannot be one of ours: it is `unknown`
 * without a lookup, and never echoed back at length.
 */
export const MAX_EVENT_ID_LENGTH = 128;

/** Upper bound (ms) of the random share added to `retry:` in the frame that ends a stream at shutdown. */
export const DEFAULT_SHUTDOWN_RETRY_SPREAD_MS = 5000;

/** Name of the first event of every broadcast stream. */
export const CONNECTED_EVENT = 'connected';
/** Name of the event that tells a reconnecting client that history could not cover its gap. */
export const HISTORY_GAP_EVENT = 'history-gap';
/** Name of the event written when a stream fails after its headers were sent. */
export const STREAM_ERROR_EVENT = 'stream-error';
/** Event name used when `publish` is not given one (the EventSource `message` default). */
export const DEFAULT_EVENT_NAME = 'message';

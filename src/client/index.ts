export { TypedEventSource, decodeEventData } from './typed-event-source.js';
export type {
  EventMap,
  EventSourceLike,
  EventsOf,
  MessageEventLike,
  TypedEvent,
} from './typed-event-source.js';
export { SharedEventSource } from './shared-event-source.js';
export type { SharedEventSourceOptions } from './shared-event-source.js';
export { EventStreamReader } from './event-stream-reader.js';
export type {
  EventStreamReaderOptions,
  StreamState,
} from './event-stream-reader.js';
export type { SharingRole } from './stream-link.js';

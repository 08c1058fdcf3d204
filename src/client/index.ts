export { TypedEventSource, decodeEventData } from './typed-event-source.js';
export type {
  EventMap,
  EventSourceLike,
  EventsOf,
  MessageEventLike,
  TypedEvent,
} from './typed-event-source.js';

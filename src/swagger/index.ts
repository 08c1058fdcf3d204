export { ApiEventStream } from './api-event-stream.decorator.js';
export type {
  ApiEventStreamOptions,
  EventPayload,
} from './api-event-stream.decorator.js';

export {
  ApiEventStream,
  ITEM_SCHEMA_EXTENSION,
} from './api-event-stream.decorator.js';
export type { ApiEventStreamOptions } from './api-event-stream.decorator.js';
export type { EventPayload } from './event-stream.schemas.js';
export { promoteItemSchemas } from './promote-item-schemas.js';
export {
  SseConnectedEvent,
  SseHistoryGapEvent,
  SseStreamErrorEvent,
} from './library-events.js';

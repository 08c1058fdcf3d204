// `nestjs-sse-broadcast/testing`: doubles for an app's tests. Nothing in the
// core imports it.
export { RecordingBroadcastService } from './recording-broadcast.service.js';
export type { PublishedEvent } from './published-event.js';

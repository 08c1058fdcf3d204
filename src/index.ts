export { SseModule } from './sse.module.js';
export type { SseModuleOptions } from './sse-module-options.js';
export { ResolvedSseOptions } from './resolved-sse-options.js';
export { BroadcastService } from './broadcast.service.js';
export type { BroadcastStats } from './broadcast-stats.js';
export type { SseAuthorizer } from './stream-authorization.js';
export type {
  ClientChange,
  ConnectedClients,
  StreamOptions,
} from './broadcast.service.js';
export type {
  BroadcastMessage,
  HistoryGapReason,
  OutgoingEvent,
  ReplayResult,
  StoredEvent,
} from './sse-event.js';
export { SseFrame } from './sse-frame.js';
export type { SseMessage } from './sse-message.js';
export {
  SseRoute,
  SSE_ROUTE_METADATA,
} from './decorators/sse-route.decorator.js';
export { SseConnectionRegistry } from './sse-connection.registry.js';
export type { SseConnectionStats } from './sse-connection.registry.js';
export { SseTransport } from './transports/sse.transport.js';
export { InMemoryTransport } from './transports/in-memory.transport.js';
export type { InMemoryTransportOptions } from './transports/in-memory.transport.js';
export { InvalidSseFieldError } from './errors/invalid-sse-field.error.js';
export { TooManyClientsError } from './errors/too-many-clients.error.js';
export { TooManyClientsFromAddressError } from './errors/too-many-clients-from-address.error.js';
export { ChannelForbiddenError } from './errors/channel-forbidden.error.js';
export { TransportUnavailableError } from './errors/transport-unavailable.error.js';
export {
  CONNECTED_EVENT,
  DEFAULT_EVENT_NAME,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_KEEP_ALIVE_SECONDS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_RETRY_MS,
  DEFAULT_SHUTDOWN_RETRY_SPREAD_MS,
  HISTORY_GAP_EVENT,
  STREAM_ERROR_EVENT,
} from './sse.constants.js';

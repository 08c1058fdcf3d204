export { SseModule } from './sse.module.js';
export type { SseModuleOptions } from './sse-module-options.js';
export { ResolvedSseOptions } from './resolved-sse-options.js';
export { BroadcastService } from './broadcast/broadcast.service.js';
export type { BroadcastMessage } from './broadcast/broadcast-message.js';
export type { BroadcastStats } from './broadcast/broadcast-stats.js';
export type {
  ClientChange,
  ConnectedClients,
  StreamOptions,
} from './broadcast/broadcast-stream.types.js';
export type { SseAuthorizer } from './broadcast/stream-authorizer.js';
export type { SseIdentifier } from './broadcast/stream-identity.js';
export { SsePresence } from './presence/sse-presence.js';
export { PresenceTracker } from './presence/presence-tracker.js';
export { LocalPresenceTracker } from './presence/local-presence-tracker.js';
export type {
  LocalPresence,
  PresenceCounts,
  PresenceSnapshot,
  UserPresenceChange,
} from './presence/presence.types.js';
export { CHANNEL_NAME_PATTERN } from './broadcast/channel-name.js';
export {
  SseRoute,
  SSE_ROUTE_METADATA,
} from './streaming/sse-route.decorator.js';
export { LastEventId } from './streaming/last-event-id.decorator.js';
export { SseStreams } from './streaming/sse-streams.js';
export type { SseStreamStats } from './streaming/sse-streams.js';
export { SseFrame } from './framing/sse-frame.js';
export type { SseMessage } from './framing/sse-message.js';
export { SseTransport } from './transports/sse.transport.js';
export { isAddressedTo } from './transports/event-audience.js';
export type { StreamAudience } from './transports/event-audience.js';
export type {
  HistoryGapReason,
  OutgoingEvent,
  ReplayResult,
  StoredEvent,
} from './transports/transport-event.js';
export { InMemoryTransport } from './transports/in-memory.transport.js';
export type { InMemoryTransportOptions } from './transports/in-memory.transport.js';
export { InvalidSseFieldException } from './errors/invalid-sse-field.exception.js';
export { StreamForbiddenException } from './errors/stream-forbidden.exception.js';
export { TooManyClientsException } from './errors/too-many-clients.exception.js';
export { TooManyClientsFromAddressException } from './errors/too-many-clients-from-address.exception.js';
export { TransportUnavailableException } from './errors/transport-unavailable.exception.js';
export {
  CONNECTED_EVENT,
  DEFAULT_EVENT_NAME,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_KEEP_ALIVE_SECONDS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CHANNELS_PER_STREAM,
  DEFAULT_RETRY_MS,
  DEFAULT_SHUTDOWN_RETRY_SPREAD_MS,
  HISTORY_GAP_EVENT,
  MAX_EVENT_ID_LENGTH,
  STREAM_ERROR_EVENT,
} from './sse.constants.js';

import { ServiceUnavailableException } from '@nestjs/common';
import { SseMessages } from '../sse.messages.js';

/**
 * Raised when a stream is opened while `maxClients` streams are open. It is an
 * HTTP 503, so the client gets a JSON error instead of a stream;
 * `@SseRoute()` adds `Retry-After`.
 */
export class TooManyClientsError extends ServiceUnavailableException {
  constructor(
    readonly maxClients: number,
    /** Sent as `Retry-After` (seconds). */
    readonly retryAfterSeconds?: number,
  ) {
    super(SseMessages.tooManyClients(maxClients));
  }
}

import { ServiceUnavailableException } from '@nestjs/common';
import { ErrorMessages } from './error-messages.js';

/**
 * Raised when a stream is opened while this process serves `maxClients`
 * streams: an HTTP 503 with `Retry-After`, answered before any byte of the
 * stream, so the client gets a JSON error instead of a stream.
 */
export class TooManyClientsException extends ServiceUnavailableException {
  constructor(
    readonly maxClients: number,
    /** Sent as `Retry-After` (seconds). */
    readonly retryAfterSeconds?: number,
  ) {
    super(ErrorMessages.tooManyClients(maxClients));
  }
}

import { ServiceUnavailableException } from '@nestjs/common';
import { ErrorMessages } from './error-messages.js';

/**
 * Raised by a transport that cannot reach its backplane (e.g. Redis is down):
 * `publish` rejects with it and nothing was sent. It is an HTTP 503, so a
 * controller that publishes answers with a JSON reason instead of a 202.
 */
export class TransportUnavailableException extends ServiceUnavailableException {
  constructor(
    /** What failed, e.g. `Redis is not connected (connection reconnecting)`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(ErrorMessages.transportUnavailable(reason), {
      cause: options?.cause,
    });
  }
}

import { HttpException, HttpStatus } from '@nestjs/common';
import { ErrorMessages } from './error-messages.js';

/**
 * Raised when a stream is opened from a client address that already holds
 * `maxClientsPerAddress` open streams: an HTTP 429 with `Retry-After`,
 * answered before any byte of the stream.
 */
export class TooManyClientsFromAddressException extends HttpException {
  constructor(
    readonly maxClientsPerAddress: number,
    /** Sent as `Retry-After` (seconds). */
    readonly retryAfterSeconds?: number,
  ) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message: ErrorMessages.tooManyClientsFromAddress(maxClientsPerAddress),
        error: 'Too Many Requests',
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

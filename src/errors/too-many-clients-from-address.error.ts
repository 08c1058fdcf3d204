import { HttpException, HttpStatus } from '@nestjs/common';
import { SseMessages } from '../sse.messages.js';

/**
 * Raised when one client address already holds `maxClientsPerIp` open
 * streams. It is an HTTP 429; `@SseRoute()` adds `Retry-After`.
 */
export class TooManyClientsFromAddressError extends HttpException {
  constructor(
    readonly maxClientsPerIp: number,
    /** Sent as `Retry-After` (seconds). */
    readonly retryAfterSeconds?: number,
  ) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message: SseMessages.tooManyClientsFromAddress(maxClientsPerIp),
        error: 'Too Many Requests',
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

import { ForbiddenException } from '@nestjs/common';
import { ErrorMessages } from './error-messages.js';

/**
 * Raised when the `authorize` option refused a stream: an HTTP 403, answered
 * before any byte of the stream is sent.
 */
export class StreamForbiddenException extends ForbiddenException {
  constructor(
    /** The channels the client asked for (none for a stream of only the events sent to everyone). */
    readonly channels: readonly string[],
  ) {
    super(ErrorMessages.streamForbidden(channels));
  }
}

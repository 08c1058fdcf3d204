import { BadRequestException } from '@nestjs/common';
import { ErrorMessages } from './error-messages.js';

/**
 * Thrown by `BroadcastService.publish` and the frame encoder for a value that
 * would break the SSE framing (a CR, LF or NUL in `event`, `id` or `channel`)
 * or that cannot be serialized. Nothing is emitted when it is thrown. It is
 * an HTTP 400, so a controller that publishes request input answers with a
 * JSON error without further code.
 */
export class InvalidSseFieldException extends BadRequestException {
  constructor(
    /** The offending field: `event`, `id`, `channel`, `retry`, or `data`. */
    readonly field: string,
    /** Why the value was refused. */
    readonly reason: string,
  ) {
    super(ErrorMessages.invalidField(field, reason));
  }
}

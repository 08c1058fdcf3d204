import { ForbiddenException } from '@nestjs/common';
import { SseMessages } from '../sse.messages.js';

/**
 * Raised when the `authorize` option refused a stream: an HTTP 403, answered
 * before any byte of the stream is sent.
 */
export class ChannelForbiddenError extends ForbiddenException {
  constructor(
    /** The channels the client asked for. */
    readonly channels: readonly string[],
  ) {
    super(SseMessages.channelsForbidden(channels));
  }
}

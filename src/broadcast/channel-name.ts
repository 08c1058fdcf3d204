import { InvalidSseFieldException } from '../errors/invalid-sse-field.exception.js';
import { ErrorMessages } from '../errors/error-messages.js';

/**
 * What a channel name may be, on both sides: `publish({ channel })` and
 * `stream({ channels })` refuse anything else with the same 400, so no one
 * can subscribe to a channel no one can publish to. 1 to 64 ASCII letters,
 * digits and `-_.:` (`news`, `user:42`, `orders.eu-west`).
 */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Returns `name` when it is a valid channel name; throws `InvalidSseFieldException` (400) otherwise. */
export function checkChannelName(name: unknown): string {
  if (typeof name !== 'string' || !CHANNEL_NAME_PATTERN.test(name)) {
    throw new InvalidSseFieldException('channel', ErrorMessages.channelName);
  }
  return name;
}

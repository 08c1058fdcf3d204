import { InvalidSseFieldException } from '../errors/invalid-sse-field.exception.js';
import { ErrorMessages } from '../errors/error-messages.js';

/**
 * What a channel name may be, on both sides: `publish({ channel })` and
 * `stream({ channels })` refuse anything else with the same 400, so no one
 * can subscribe to a channel no one can publish to. 1 to 64 ASCII letters,
 * digits and `-_.:` (`news`, `user:42`, `orders.eu-west`). User ids (the
 * `identify` option, `publish({ user, exceptUser })`) and client ids
 * (`exceptClient`) follow the same rule.
 */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The fields of `publish()` that address streams by name. */
export type AddressField = 'channel' | 'user' | 'exceptUser' | 'exceptClient';

/**
 * Returns `value` when it is a valid name for `field` (`CHANNEL_NAME_PATTERN`);
 * throws `InvalidSseFieldException` (400) naming the field otherwise.
 */
export function checkAddress(field: AddressField, value: unknown): string {
  if (typeof value !== 'string' || !CHANNEL_NAME_PATTERN.test(value)) {
    throw new InvalidSseFieldException(field, ErrorMessages.channelName);
  }
  return value;
}

/** Returns `name` when it is a valid channel name; throws `InvalidSseFieldException` (400) otherwise. */
export function checkChannelName(name: unknown): string {
  return checkAddress('channel', name);
}

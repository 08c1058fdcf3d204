import { ErrorMessages } from '../errors/error-messages.js';
import { InvalidSseFieldException } from '../errors/invalid-sse-field.exception.js';
import { CHANNEL_NAME_PATTERN } from './channel-name.js';
import { isThenable } from './thenable.js';

/**
 * Says whose a broadcast stream is (the `identify` option): the user id
 * that `publish({ user })` and `publish({ exceptUser })` address, or
 * `undefined` (or `null`) for an anonymous stream. `request` is the
 * framework's request (Express `Request` or `FastifyRequest`). A thrown
 * `HttpException` (e.g. `UnauthorizedException` for a bad token) answers its
 * status before any byte of the stream.
 */
export type SseIdentifier = (
  request: unknown,
) => string | undefined | null | Promise<string | undefined | null>;

/**
 * An identity as `identify` gave it: a string by the channel-name rule (a
 * 400 otherwise: the id usually comes from the request, a token's `sub`),
 * `undefined`/`null` for none; anything else is a bug in the hook (500).
 */
function checkIdentity(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new TypeError(ErrorMessages.identifyNotString(value));
  }
  if (!CHANNEL_NAME_PATTERN.test(value)) {
    throw new InvalidSseFieldException('user', ErrorMessages.identifiedUser);
  }
  return value;
}

/**
 * Runs `identify` for a stream: the user id (or undefined) at once when the
 * hook answers synchronously, a promise of it when it answers with one
 * (rejecting with what the hook threw or the invalid id's error).
 */
export function identifyStream(
  identify: SseIdentifier | undefined,
  request: unknown,
): string | undefined | Promise<string | undefined> {
  if (!identify) return undefined;
  if (request === undefined)
    throw new Error(ErrorMessages.identifyNeedsRequest);
  const answer = identify(request);
  return isThenable(answer)
    ? Promise.resolve(answer).then(checkIdentity)
    : checkIdentity(answer);
}

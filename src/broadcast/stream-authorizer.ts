import { StreamForbiddenException } from '../errors/stream-forbidden.exception.js';
import { ErrorMessages } from '../errors/error-messages.js';
import { isThenable } from './thenable.js';

/**
 * Decides whether a request may open a broadcast stream of `channels` (the
 * `authorize` option). `request` is the framework's request (Express
 * `Request` or `FastifyRequest`). Return `true` to allow, `false` for a 403;
 * throw an `HttpException` (e.g. `UnauthorizedException`) for another status.
 */
export type SseAuthorizer = (
  request: unknown,
  channels: readonly string[],
) => boolean | Promise<boolean>;

/**
 * Runs `authorize` for a stream. Throws at once for a synchronous refusal;
 * returns a promise when the verdict is asynchronous (it rejects with the
 * refusal), nothing when there is no hook or it allowed synchronously.
 * Anything but `true` refuses, so a hook that forgets to return denies.
 */
export function authorizeStream(
  authorize: SseAuthorizer | undefined,
  request: unknown,
  channels: readonly string[],
): Promise<void> | undefined {
  if (!authorize) return undefined;
  if (request === undefined)
    throw new Error(ErrorMessages.authorizeNeedsRequest);
  const verdict = authorize(request, channels);
  if (!isThenable(verdict)) {
    if (verdict !== true) throw new StreamForbiddenException(channels);
    return undefined;
  }
  return Promise.resolve(verdict).then((allowed) => {
    if (allowed !== true) throw new StreamForbiddenException(channels);
  });
}

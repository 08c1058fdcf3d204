import type { SseIdentifier } from '../../src/index.js';
import type { AccessTokens } from './access-tokens.js';
import { presentedToken } from './access-tokens.js';

/**
 * The demo's `identify` option (with `JWT_SECRET`): a stream presenting a
 * JWT (header, cookie or `?access_token=`) belongs to its `sub`; one
 * presenting none is anonymous, at once; an invalid token is a 401. The
 * library checks the `sub` (a 400 when it breaks the channel-name rule).
 */
export function tokenIdentity(tokens: AccessTokens): SseIdentifier | undefined {
  if (!tokens.enabled) return undefined;
  return (request) => {
    const token = presentedToken(request);
    return token === undefined ? undefined : tokens.userOf(token);
  };
}

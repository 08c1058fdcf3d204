import { UnauthorizedException } from '@nestjs/common';
import type { SseAuthorizer } from '../../src/index.js';
import type { AccessTokens } from './access-tokens.js';
import { grants, isPrivateChannel, presentedToken } from './access-tokens.js';

/**
 * The demo's `authorize` option: public channels are open to anyone; a stream
 * that asks for a `private:` channel needs a JWT (`Authorization: Bearer`,
 * the `sse_token` cookie or `?access_token=`; 401 without a valid one) whose `subscribe` claim lists every private
 * channel asked for (403 otherwise).
 */
export function privateChannelsAuthorizer(tokens: AccessTokens): SseAuthorizer {
  return (request, channels) => {
    const wanted = channels.filter(isPrivateChannel);
    if (wanted.length === 0) return true;
    const token = presentedToken(request);
    if (!token) {
      throw new UnauthorizedException(
        'Private channels need an "Authorization: Bearer <token>" header',
      );
    }
    return tokens
      .verify(token)
      .then((claims) => wanted.every((c) => grants(claims.subscribe, c)));
  };
}

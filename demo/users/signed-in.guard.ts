import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { AccessTokens, presentedToken } from '../auth/access-tokens.js';

export const SIGN_IN_REQUIRED =
  'Sign in: this stream needs a JWT with a "sub" (Authorization: Bearer, the sse_token cookie, or ?access_token=)';

/**
 * Lets a request through only with a valid JWT that names a user (`sub`),
 * presented the ways a stream may present it; 401 otherwise. The stream's
 * user itself is the `identify` option's answer, from the same token.
 */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokens) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const token = presentedToken(context.switchToHttp().getRequest());
    const user =
      token === undefined ? undefined : await this.tokens.userOf(token);
    if (user === undefined) throw new UnauthorizedException(SIGN_IN_REQUIRED);
    return true;
  }
}

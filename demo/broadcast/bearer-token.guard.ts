import type { CanActivate, ExecutionContext } from '@nestjs/common';
import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AccessTokens, bearerToken, grants } from '../auth/access-tokens.js';

/** The token `POST /api/broadcast` requires; undefined leaves it open. */
export const BROADCAST_TOKEN = Symbol('BROADCAST_TOKEN');

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Guards publishing. Open when neither `BROADCAST_TOKEN` nor `JWT_SECRET` is
 * set. Otherwise it needs `Authorization: Bearer <token>` (401 without a
 * valid one): the `BROADCAST_TOKEN` itself (may publish anything), or a JWT
 * whose `publish` claim covers the body's `channel` (`*` for everyone; 403
 * when it does not).
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    @Inject(BROADCAST_TOKEN) private readonly token: string | undefined,
    private readonly tokens: AccessTokens,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.token && !this.tokens.enabled) return true;
    const request = context.switchToHttp().getRequest<{ body?: unknown }>();
    const presented = bearerToken(request);
    if (!presented) {
      throw new UnauthorizedException(
        'A valid "Authorization: Bearer <token>" header is required',
      );
    }
    // Compared as digests, in constant time; tokens are never logged.
    if (this.token && timingSafeEqual(digest(presented), digest(this.token))) {
      return true;
    }
    const claims = await this.tokens.verify(presented);
    const channel = (request.body as { channel?: unknown } | undefined)
      ?.channel;
    const target = typeof channel === 'string' ? channel : '*';
    if (!grants(claims.publish, target)) {
      throw new ForbiddenException(
        target === '*'
          ? 'This token may not publish to every client'
          : `This token may not publish to channel ${JSON.stringify(target)}`,
      );
    }
    return true;
  }
}

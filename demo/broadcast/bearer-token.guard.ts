import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';

/** The token `POST /api/broadcast` requires; undefined leaves it open. */
export const BROADCAST_TOKEN = Symbol('BROADCAST_TOKEN');

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Requires `Authorization: Bearer <BROADCAST_TOKEN>` when a token is configured. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    @Inject(BROADCAST_TOKEN) private readonly token: string | undefined,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.token) return true;
    const header = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, unknown> }>().headers.authorization;
    const match =
      typeof header === 'string' ? /^Bearer (.+)$/i.exec(header) : null;
    // Compared as digests, in constant time; the token itself is never logged.
    if (!match || !timingSafeEqual(digest(match[1]), digest(this.token))) {
      throw new UnauthorizedException(
        'A valid "Authorization: Bearer <token>" header is required',
      );
    }
    return true;
  }
}

import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Injectable, UnsupportedMediaTypeException } from '@nestjs/common';

/** Answers 415 to a body that is not `application/json`. */
@Injectable()
export class JsonContentTypeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const type = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, unknown> }>().headers[
      'content-type'
    ];
    if (typeof type !== 'string' || !/^application\/json\s*(;|$)/i.test(type)) {
      throw new UnsupportedMediaTypeException(
        `Content-Type must be application/json, got ${typeof type === 'string' ? `"${type}"` : 'none'}`,
      );
    }
    return true;
  }
}

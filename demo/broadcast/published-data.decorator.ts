import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';

/**
 * The `data` of the JSON body exactly as parsed, bypassing class-transformer
 * (see `BroadcastRequestDto.data`); undefined when the body is not an object
 * or has no `data`. Custom parameters skip the global ValidationPipe.
 */
export const PublishedData = createParamDecorator(
  (_: unknown, context: ExecutionContext): unknown => {
    const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return undefined;
    }
    return (body as { data?: unknown }).data;
  },
);

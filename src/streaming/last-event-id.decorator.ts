import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';

/** Metadata key marking handlers that take `@LastEventId()` (read by `@ApiEventStream()`). */
export const LAST_EVENT_ID_PARAM_METADATA = 'nestjs-sse:last-event-id-param';

/** The query parameter read when the header is absent. */
export const LAST_EVENT_ID_QUERY = 'lastEventId';

type RequestLike = {
  headers?: Record<string, string | string[] | undefined>;
  query?: Record<string, unknown>;
};

const first = (value: unknown): string | undefined => {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one : undefined;
};

/** Reads the client's position off an Express or Fastify request. */
export function lastEventIdOf(request: RequestLike): string | undefined {
  return (
    first(request.headers?.['last-event-id']) ??
    first(request.query?.[LAST_EVENT_ID_QUERY])
  );
}

const readLastEventId = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    lastEventIdOf(context.switchToHttp().getRequest<RequestLike>()),
);

/**
 * The client's position, for `BroadcastService.stream({ lastEventId })`:
 * the `Last-Event-ID` header (what EventSource sends when it reconnects),
 * else the `?lastEventId=` query parameter (for a first connect that resumes
 * a position kept by the page, which EventSource cannot send as a header).
 * `undefined` when neither is there. The header wins when both are sent.
 */
export function LastEventId(): ParameterDecorator {
  return (target, key, index) => {
    readLastEventId()(target, key, index);
    if (key !== undefined) {
      Reflect.defineMetadata(LAST_EVENT_ID_PARAM_METADATA, true, target, key);
    }
  };
}

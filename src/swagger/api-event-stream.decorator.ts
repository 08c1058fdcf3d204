import { applyDecorators } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiProduces,
  getSchemaPath,
} from '@nestjs/swagger';

/** A payload schema: a DTO class, or an inline OpenAPI schema object. */
export type EventPayload = Type<unknown> | Record<string, unknown>;

/** What `@ApiEventStream()` takes. */
export interface ApiEventStreamOptions {
  /** Event name → payload schema, for every event the stream can carry. */
  events: Record<string, EventPayload>;
  /** Response description. */
  description?: string;
}

/**
 * Documents an SSE route: a `200 text/event-stream` response whose schema is
 * the SSE envelope (`event`, `data`, `id`, `retry`) as a `oneOf` over the
 * declared events, with DTO payloads registered as components. The same
 * schema is given as `itemSchema` (OpenAPI 3.2's form for one item of a
 * stream); 3.0/3.1 tools ignore it.
 */
export function ApiEventStream(
  options: ApiEventStreamOptions,
): MethodDecorator {
  const models = Object.values(options.events).filter(
    (p): p is Type<unknown> => typeof p === 'function',
  );
  const variants = Object.entries(options.events).map(([name, payload]) => ({
    type: 'object',
    title: name,
    required: ['event', 'data'],
    properties: {
      event: { type: 'string', enum: [name] },
      data:
        typeof payload === 'function'
          ? { $ref: getSchemaPath(payload) }
          : payload,
      id: {
        type: 'string',
        description: 'Event id, echoed as Last-Event-ID on reconnect',
      },
      retry: { type: 'integer', description: 'Reconnection delay in ms' },
    },
  }));
  const itemSchema = { oneOf: variants };
  return applyDecorators(
    ApiExtraModels(...models),
    ApiProduces('text/event-stream'),
    ApiOkResponse({
      description:
        options.description ??
        `An event stream: ${Object.keys(options.events).join(', ')}`,
      content: {
        'text/event-stream': {
          schema: { type: 'string', description: 'text/event-stream frames' },
          itemSchema,
        } as never,
      },
    }),
  );
}

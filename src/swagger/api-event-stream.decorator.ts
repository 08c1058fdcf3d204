import { applyDecorators } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import type { MediaTypeObject } from '@nestjs/swagger';
import { ApiExtraModels, ApiResponse } from '@nestjs/swagger';
import type { EventPayload } from './event-stream.schemas.js';
import { envelopeSchema, itemSchema } from './event-stream.schemas.js';

/** The extension that carries the OpenAPI 3.2 `itemSchema` in 3.0/3.1 documents. */
export const ITEM_SCHEMA_EXTENSION = 'x-itemSchema';

/** What `@ApiEventStream()` takes. */
export interface ApiEventStreamOptions {
  /** Event name → payload schema, for every event the stream can carry. */
  events: Record<string, EventPayload>;
  /**
   * Payload of events whose names are not in `events` (a stream that relays
   * whatever is published, say). Left out, the stream carries only `events`.
   */
  otherEvents?: EventPayload;
  /** Response description; by default, the list of event names. */
  description?: string;
  /** Status of the streaming response. @default 200 */
  status?: number;
}

/**
 * Documents an SSE route: a `text/event-stream` response whose `schema` is
 * the SSE envelope (`event`, `data`, `id`, `retry`) as a `oneOf` over the
 * declared events, with DTO payloads registered as components.
 *
 * The OpenAPI 3.2 form (`itemSchema`, `data` as JSON text with
 * `contentSchema`) cannot be written in the 3.0/3.1 documents
 * `@nestjs/swagger` emits by default (their media type object allows no
 * such field), so it rides along as `x-itemSchema`; `promoteItemSchemas()`
 * turns it into the native field in a 3.2 document.
 */
export function ApiEventStream(
  options: ApiEventStreamOptions,
): MethodDecorator {
  const catalog = { events: options.events, otherEvents: options.otherEvents };
  const payloads = [...Object.values(options.events), options.otherEvents];
  const models = payloads.filter(
    (p): p is Type<unknown> => typeof p === 'function',
  );
  const names = Object.keys(options.events);
  const description =
    options.description ??
    `An event stream: ${names.join(', ')}${options.otherEvents ? ' and other events' : ''}`;
  return applyDecorators(
    ApiExtraModels(...models),
    ApiResponse({
      status: options.status ?? 200,
      description,
      content: {
        // MediaTypeObject declares no `x-` fields; they pass through verbatim.
        'text/event-stream': {
          schema: envelopeSchema(catalog),
          [ITEM_SCHEMA_EXTENSION]: itemSchema(catalog),
        } as MediaTypeObject,
      },
    }),
  );
}

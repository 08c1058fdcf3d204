import { applyDecorators } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import type { MediaTypeObject } from '@nestjs/swagger';
import { ApiExtraModels, ApiResponse } from '@nestjs/swagger';
import { documentOptionalParameters } from './event-stream-parameters.js';
import type { EventCatalog, EventPayload } from './event-stream.schemas.js';
import { envelopeSchema, itemSchema } from './event-stream.schemas.js';
import type { LibraryEvent } from './library-events.js';
import { libraryEvents } from './library-events.js';

/** The extension that carries the OpenAPI 3.2 `itemSchema` in 3.0/3.1 documents. */
export const ITEM_SCHEMA_EXTENSION = 'x-itemSchema';

/** What `@ApiEventStream()` takes. */
export interface ApiEventStreamOptions {
  /**
   * Event name → payload schema, for the events the route itself sends. The
   * library's own events are added without being declared (see `broadcast`);
   * one declared here under the same name replaces the library's.
   */
  events: Record<string, EventPayload>;
  /**
   * Payload of events whose names are not in `events` (a stream that relays
   * whatever is published, say). Left out, the stream carries only `events`.
   */
  otherEvents?: EventPayload;
  /**
   * Whether the route returns `BroadcastService.stream()`, which sends
   * `connected` first and `history-gap` when replay falls short: both are
   * documented with it. `false` for a stream of the route's own. Either way
   * `stream-error` is documented, the last event of a stream that fails
   * after its headers were sent.
   * @default true
   */
  broadcast?: boolean;
  /** Response description; by default, the list of event names. */
  description?: string;
  /** Status of the streaming response. @default 200 */
  status?: number;
}

/**
 * The route's events with the library's own, in the order they can come,
 * and what the library's mean. A declared event replaces the library's of
 * its name, in its place.
 */
function catalogOf(options: ApiEventStreamOptions): EventCatalog {
  const declared = options.events;
  const { first, last } = libraryEvents(options.broadcast ?? true);
  const events: Record<string, EventPayload> = {};
  const descriptions: Record<string, string> = {};
  const add = (library: Record<string, LibraryEvent>) => {
    for (const [name, { payload, description }] of Object.entries(library)) {
      events[name] = declared[name] ?? payload;
      if (!(name in declared)) descriptions[name] = description;
    }
  };
  add(first);
  Object.assign(events, declared);
  add(last);
  return { events, otherEvents: options.otherEvents, descriptions };
}

/**
 * Documents an SSE route: a `text/event-stream` response whose `schema` is
 * the SSE envelope (`event`, `data`, `id`, `retry`) as a `oneOf` over its
 * events, with DTO payloads registered as components. The library's own
 * events (`connected`, `history-gap`, `stream-error`) are part of it without
 * being declared, and the query and header values the handler reads by name
 * without a pipe (and `@LastEventId()`'s) are documented as optional.
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
  const catalog = catalogOf(options);
  const payloads = [...Object.values(catalog.events), options.otherEvents];
  const models = payloads.filter(
    (p): p is Type<unknown> => typeof p === 'function',
  );
  const names = Object.keys(catalog.events);
  const description =
    options.description ??
    `An event stream: ${names.join(', ')}${options.otherEvents ? ' and other events' : ''}`;
  return (target, key, descriptor) => {
    documentOptionalParameters(target, key);
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
    )(target, key, descriptor);
  };
}

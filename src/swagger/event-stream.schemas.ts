import type { Type } from '@nestjs/common';
import { getSchemaPath } from '@nestjs/swagger';

/** A payload schema: a DTO class, or an inline OpenAPI schema object. */
export type EventPayload = Type<unknown> | Record<string, unknown>;

type Schema = Record<string, unknown>;

/** Event name → payload, plus the payload of every other name (if any). */
export interface EventCatalog {
  events: Record<string, EventPayload>;
  otherEvents?: EventPayload;
  /** Event name → what the event means, for the events that say it. */
  descriptions?: Record<string, string>;
}

const ID = {
  type: 'string',
  description: 'Event id; the client sends the last one back as Last-Event-ID',
};
const RETRY = {
  type: 'integer',
  minimum: 0,
  description: 'Reconnection delay in milliseconds',
};

const payloadSchema = (payload: EventPayload): Schema =>
  typeof payload === 'function' ? { $ref: getSchemaPath(payload) } : payload;

/**
 * Whether a payload goes on the wire as JSON text. Strings (and payloads of
 * no declared type, which may be strings) are written as they are.
 */
const isJsonEncoded = (payload: EventPayload): boolean => {
  if (typeof payload === 'function') return true;
  if (payload.type !== undefined) return payload.type !== 'string';
  return ['$ref', 'properties', 'oneOf', 'anyOf', 'allOf', 'items'].some(
    (key) => key in payload,
  );
};

/** A payload written as it is: text, whose example is shown as it goes out. */
const textSchema = ({ example, ...schema }: Schema): Schema => ({
  ...schema,
  type: 'string',
  ...(example === undefined
    ? {}
    : {
        example:
          typeof example === 'string' ? example : JSON.stringify(example),
      }),
});

const variants = (
  { events, otherEvents, descriptions = {} }: EventCatalog,
  eventSchema: (name: string) => Schema,
  dataSchema: (payload: EventPayload) => Schema,
): Schema[] => {
  const named = Object.entries(events).map(([name, payload]) => ({
    type: 'object',
    title: name,
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    required: ['event', 'data'],
    properties: {
      event: eventSchema(name),
      data: dataSchema(payload),
      id: ID,
      retry: RETRY,
    },
  }));
  if (otherEvents === undefined) return named;
  const names = Object.keys(events);
  const other = {
    type: 'object',
    title: 'other events',
    required: ['event', 'data'],
    properties: {
      event: {
        type: 'string',
        description: 'Any other event name',
        ...(names.length > 0 ? { not: { enum: names } } : {}),
      },
      data: dataSchema(otherEvents),
      id: ID,
      retry: RETRY,
    },
  };
  return [...named, other];
};

const oneOf = (schemas: Schema[]): Schema =>
  schemas.length === 1 ? schemas[0] : { oneOf: schemas };

/**
 * The stream as OpenAPI 3.0/3.1 can say it: one event (`event`, `data`, `id`,
 * `retry`) as a `oneOf` over the declared events, `data` shown decoded (the
 * payload schema itself).
 */
export function envelopeSchema(catalog: EventCatalog): Schema {
  return oneOf(
    variants(
      catalog,
      (name) => ({ type: 'string', enum: [name] }),
      (payload) => payloadSchema(payload),
    ),
  );
}

/**
 * The OpenAPI 3.2 `itemSchema` of a `text/event-stream` response: each event
 * as the spec models it, `data` being the text of the `data:` lines, with
 * `contentMediaType`/`contentSchema` naming the payload when it is JSON.
 */
export function itemSchema(catalog: EventCatalog): Schema {
  return oneOf(
    variants(
      catalog,
      (name) => ({ type: 'string', const: name }),
      (payload) =>
        isJsonEncoded(payload)
          ? {
              type: 'string',
              contentMediaType: 'application/json',
              contentSchema: payloadSchema(payload),
            }
          : textSchema(payload as Schema),
    ),
  );
}

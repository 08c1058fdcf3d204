import type { OpenAPIObject } from '@nestjs/swagger';
import { ITEM_SCHEMA_EXTENSION } from './api-event-stream.decorator.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const supportsItemSchema = (version: string): boolean => {
  const [major, minor] = version.split('.').map(Number);
  return major > 3 || (major === 3 && minor >= 2);
};

/** Every media type object under a map of responses (or a request body). */
function* mediaTypes(holder: unknown): Generator<Json> {
  if (!isObject(holder) || !isObject(holder.content)) return;
  for (const media of Object.values(holder.content)) {
    if (isObject(media)) yield media;
  }
}

function* operations(document: Json): Generator<Json> {
  for (const group of [document.paths, document.webhooks]) {
    if (!isObject(group)) continue;
    for (const pathItem of Object.values(group)) {
      if (!isObject(pathItem)) continue;
      for (const operation of Object.values(pathItem)) {
        if (isObject(operation) && isObject(operation.responses)) {
          yield operation;
        }
      }
    }
  }
}

/**
 * For an OpenAPI 3.2 (or later) document, as `SwaggerModule.createDocument`
 * builds with `setOpenAPIVersion('3.2.0')`: returns a copy in which every
 * event stream documented by `@ApiEventStream()` carries the native
 * `itemSchema` instead of the `x-itemSchema` extension. Its `schema` becomes
 * the whole stream as 3.2 models it, an array of those events, which tools
 * that do not read `itemSchema` (Swagger UI 5) still render. An older
 * document is returned unchanged.
 */
export function promoteItemSchemas<T extends OpenAPIObject>(document: T): T {
  if (!supportsItemSchema(document.openapi)) return document;
  const copy = structuredClone(document) as unknown as Json;
  for (const operation of operations(copy)) {
    const holders = [
      ...Object.values(operation.responses as Json),
      operation.requestBody,
    ];
    for (const media of holders.flatMap((h) => [...mediaTypes(h)])) {
      if (!(ITEM_SCHEMA_EXTENSION in media)) continue;
      const item = media[ITEM_SCHEMA_EXTENSION];
      delete media[ITEM_SCHEMA_EXTENSION];
      media.schema = { type: 'array', items: item };
      media.itemSchema = item;
    }
  }
  return copy as unknown as T;
}

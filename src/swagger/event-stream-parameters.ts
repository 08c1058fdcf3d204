import { DECORATORS } from '@nestjs/swagger';
import {
  LAST_EVENT_ID_PARAM_METADATA,
  LAST_EVENT_ID_QUERY,
} from '../streaming/last-event-id.decorator.js';
import {
  ROUTE_ARGS_METADATA,
  RouteParamtypes,
} from '../streaming/nest-metadata-keys.js';

/** A parameter as `@ApiQuery()`/`@ApiHeader()` store it. */
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Record<string, unknown>;
}

const LAST_EVENT_ID_HEADER: Parameter = {
  name: 'last-event-id',
  in: 'header',
  required: false,
  description:
    'The id of the last event received: the stream replays what came after it (EventSource sends it when it reconnects)',
  schema: { type: 'string' },
};

const LAST_EVENT_ID_QUERY_PARAMETER: Parameter = {
  name: LAST_EVENT_ID_QUERY,
  in: 'query',
  required: false,
  description:
    'Same as the Last-Event-ID header, for a first connect that resumes a kept position (the header wins)',
  schema: { type: 'string' },
};

/** Header names are case-insensitive; query names are not. */
const sameParameter = (a: Parameter, b: Parameter) =>
  a.in === b.in &&
  (a.in === 'header'
    ? a.name.toLowerCase() === b.name.toLowerCase()
    : a.name === b.name);

/**
 * The query and header values the handler reads that a client may leave out:
 * those read by name with no pipe of their own (Nest passes `undefined` when
 * they are missing, though `@nestjs/swagger` documents them as required),
 * and the two `@LastEventId()` reads.
 */
function optionalParameters(target: object, key: string | symbol) {
  const args: Record<string, { data?: unknown; pipes?: unknown[] }> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key) ?? {};
  const found: Parameter[] = Reflect.getMetadata(
    LAST_EVENT_ID_PARAM_METADATA,
    target,
    key,
  )
    ? [LAST_EVENT_ID_HEADER, LAST_EVENT_ID_QUERY_PARAMETER]
    : [];
  for (const [argKey, { data: name, pipes }] of Object.entries(args)) {
    if (typeof name !== 'string' || (pipes?.length ?? 0) > 0) continue;
    const type = Number(argKey.split(':')[0]);
    let parameter: Parameter | undefined;
    if (type === RouteParamtypes.QUERY) {
      parameter = { name, in: 'query', required: false };
    } else if (type === RouteParamtypes.HEADERS) {
      parameter = sameParameter({ name, in: 'header' }, LAST_EVENT_ID_HEADER)
        ? { ...LAST_EVENT_ID_HEADER, name }
        : { name, in: 'header', required: false };
    }
    if (parameter && !found.some((p) => sameParameter(p, parameter))) {
      found.push(parameter);
    }
  }
  return found;
}

/**
 * Documents the handler's optional query and header parameters as such,
 * unless the route declares them itself with `@ApiQuery()`/`@ApiHeader()`.
 */
export function documentOptionalParameters(
  target: object,
  key: string | symbol,
): void {
  const parameters = optionalParameters(target, key);
  if (parameters.length === 0) return;
  // Once every decorator of the class has run: `@ApiQuery()`/`@ApiHeader()`
  // above this one are applied after it, and what they declare wins. The
  // handler is the method as finally defined (`@SseRoute()` replaces it).
  queueMicrotask(() => {
    const handler: unknown = Object.getOwnPropertyDescriptor(
      target,
      key,
    )?.value;
    if (typeof handler !== 'function') return;
    const declared: Parameter[] =
      Reflect.getMetadata(DECORATORS.API_PARAMETERS, handler) ?? [];
    const missing = parameters.filter(
      (p) => !declared.some((d) => sameParameter(d, p)),
    );
    Reflect.defineMetadata(
      DECORATORS.API_PARAMETERS,
      // Copies: the document builder may change the objects it is given.
      [...declared, ...missing.map((p) => structuredClone(p))],
      handler,
    );
  });
}

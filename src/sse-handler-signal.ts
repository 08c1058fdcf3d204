/**
 * Callbacks waiting for the route handler of a response to return. A
 * WeakMap, not a property: adding and deleting properties on the response
 * would turn it into a slow dictionary-mode object for the whole stream.
 */
const handlerReturned = new WeakMap<object, () => void>();

/** Registers what to do once the route handler of this response has returned. */
export function onHandlerReturned(
  response: object,
  callback: () => void,
): void {
  handlerReturned.set(response, callback);
}

/** Called by `@SseRoute()` with the framework response (Express's, or Fastify's reply). */
export function notifyHandlerReturned(response: unknown): void {
  const target = registeredIn(handlerReturned, response);
  if (!target) return;
  const callback = handlerReturned.get(target)!;
  handlerReturned.delete(target);
  callback();
}

/**
 * The key under which `map` holds an entry for a framework response: the
 * response itself (Express) or its raw Node response (Fastify's `reply.raw`).
 */
export function registeredIn(
  map: WeakMap<object, unknown>,
  response: unknown,
): object | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  if (map.has(response)) return response;
  const raw = (response as { raw?: unknown }).raw;
  return typeof raw === 'object' && raw !== null && map.has(raw)
    ? raw
    : undefined;
}

const HEADERS_HELD = Symbol('sse.headersHeld');

type Holder = { [HEADERS_HELD]?: Promise<unknown> };

/**
 * Marks a stream whose headers must wait for `ready` (an asynchronous
 * `authorize` verdict): `@SseRoute()` signals "handler returned" only once it
 * settled, so a refusal still gets its 401/403 instead of a started stream.
 */
export function holdHeadersUntil<T extends object>(
  stream: T,
  ready: Promise<unknown>,
): T {
  (stream as Holder)[HEADERS_HELD] = ready;
  return stream;
}

/** The promise `holdHeadersUntil` attached to a handler's result, if any. */
export function headersHeldBy(result: unknown): Promise<unknown> | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  return (result as Holder)[HEADERS_HELD];
}

const HANDLER_RETURNED = Symbol('sse.handlerReturned');

type Carrier = { [HANDLER_RETURNED]?: () => void; raw?: unknown };

/** Registers what to do once the route handler of this response has returned. */
export function onHandlerReturned(
  response: object,
  callback: () => void,
): void {
  (response as Carrier)[HANDLER_RETURNED] = callback;
}

/** Called by `@SseRoute()` with the framework response (Express's, or Fastify's reply). */
export function notifyHandlerReturned(response: unknown): void {
  if (typeof response !== 'object' || response === null) return;
  const carrier = response as Carrier;
  const target = (carrier[HANDLER_RETURNED] ? carrier : carrier.raw) as
    Carrier | undefined;
  const callback = target?.[HANDLER_RETURNED];
  if (callback) {
    delete target[HANDLER_RETURNED];
    callback();
  }
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

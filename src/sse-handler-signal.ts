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

import { Get, Res, SetMetadata, UseInterceptors } from '@nestjs/common';
import { handlerReturned } from './handler-hand-off.js';
import { ROUTE_ARGS_METADATA } from './nest-metadata-keys.js';
import { SseRouteInterceptor } from './sse-route.interceptor.js';

/** Metadata key marking `@SseRoute()` handlers (for documentation tools). */
export const SSE_ROUTE_METADATA = 'nestjs-sse:route';

/** A route handler, as Nest calls it. */
export type Handler = (...args: unknown[]) => unknown;

/** What an `@SseRoute()` wrapper calls, and where its response parameter is. */
export interface SseRouteHandler {
  readonly original: Handler;
  readonly responseIndex: number;
}

/** Per `@SseRoute()` wrapper: what `SseModule` needs to serve it directly. */
const routeHandlers = new WeakMap<object, SseRouteHandler>();

/** The handler behind an `@SseRoute()` method, if `method` is one. */
export function sseRouteHandlerOf(
  method: unknown,
): SseRouteHandler | undefined {
  return typeof method === 'function' ? routeHandlers.get(method) : undefined;
}

/**
 * Declares a GET route that streams Server-Sent Events: the handler returns
 * an Observable of `SseFrame`s (from `BroadcastService.stream`) or of
 * `MessageEvent`-like objects. Like Nest's `@Sse()`, with guards, pipes,
 * interceptors and filters, but frames are written to the socket as they
 * are: a broadcast is encoded once, not once per client. Counted against
 * `maxClients` and `maxClientsPerAddress`.
 *
 * Put it above the method's other decorators. Once the headers are sent,
 * the request is over for Nest (interceptors see it complete) and the
 * stream goes on by itself. Interceptors declared above `@SseRoute()` see
 * the frames, at the cost of Nest's operators on each.
 */
export function SseRoute(path?: string | string[]): MethodDecorator {
  return (target, key, descriptor) => {
    const original = descriptor.value as unknown as Handler;
    const responseIndex = responseParamIndex(target, key, original);
    const wrapper = handingOver(original, responseIndex);
    routeHandlers.set(wrapper, { original, responseIndex });
    (descriptor as PropertyDescriptor).value = wrapper;

    Get(path)(target, key, descriptor);
    UseInterceptors(SseRouteInterceptor)(target, key, descriptor);
    SetMetadata(SSE_ROUTE_METADATA, true)(target, key, descriptor);
    // The interceptor writes the response itself; a response parameter past
    // the handler's own tells Nest not to send one after it.
    Res()(target, key, responseIndex);
  };
}

/**
 * `original`, wrapped to hand what it returns to the stream of its response
 * (its argument `responseIndex`), with the metadata of `original` but the
 * keys in `omit`.
 */
export function handingOver(
  original: Handler,
  responseIndex: number,
  omit: readonly unknown[] = [],
): Handler {
  // Headers are committed once the handler has returned (as Nest's @Sse()
  // does), so pipes and the handler itself can still answer with a 4xx.
  const handler: Handler = function (this: unknown, ...args) {
    const result = original.apply(this, args);
    const response = args[responseIndex];
    if (result instanceof Promise) {
      return result.then((value) => handlerReturned(response, value));
    }
    return handlerReturned(response, result);
  };
  return withMetadataOf(original, handler, omit);
}

/**
 * `handler`, given the metadata of `source` (but the keys in `omit`) and
 * its name: what Nest's router reads of a route handler.
 */
export function withMetadataOf(
  source: Handler,
  handler: Handler,
  omit: readonly unknown[] = [],
): Handler {
  for (const metadataKey of Reflect.getOwnMetadataKeys(source)) {
    if (omit.includes(metadataKey)) continue;
    Reflect.defineMetadata(
      metadataKey,
      Reflect.getOwnMetadata(metadataKey, source),
      handler,
    );
  }
  Object.defineProperty(handler, 'name', { value: source.name });
  return handler;
}

/** A free index for a response parameter: past the handler's own. */
export function responseParamIndex(
  target: object,
  key: string | symbol,
  handler: Handler,
): number {
  const params: Record<string, { index: number }> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key) ?? {};
  return (
    Math.max(handler.length - 1, ...Object.values(params).map((p) => p.index)) +
    1
  );
}

import type { ServerResponse } from 'node:http';
import { answerHead, routeResponse } from './route-response.js';
import type { FrameworkResponse } from './sse-connection.js';
import type { Handler } from './sse-route.decorator.js';
import { withMetadataOf } from './sse-route.decorator.js';
import type { StreamRegistry } from './stream.registry.js';

/** What a directly served route needs: where its response goes, what serves it. */
export interface DirectRoute {
  /** The method the route calls: the controller's own handler. */
  readonly handler: Handler;
  /** Whose metadata (guards, pipes, filters, headers, ...) the route keeps. */
  readonly metadataOf: Handler;
  /** The argument that is the response (a `@Res()` parameter). */
  readonly responseIndex: number;
  readonly registry: StreamRegistry;
  /** Metadata keys not to copy (the interceptors, `@Sse()`'s own). */
  readonly omit: readonly unknown[];
}

/**
 * A route handler that serves its stream itself, for the `@SseRoute()` and
 * adopted `@Sse()` routes that no other interceptor applies to: Nest's
 * router then builds no interceptor chain, no operators and no promise
 * chain around the request, which cost more than the stream itself. Guards
 * and pipes run before it, as for any route; what it throws or rejects with
 * (a refusal, a stream that fails before its headers) goes to the
 * exception filters. It resolves once the headers are out: Nest is done
 * with the request (the `@Res()` parameter tells it not to answer).
 */
export function directSseHandler(route: DirectRoute): Handler {
  const { handler: original, responseIndex, registry } = route;
  const handler: Handler = function (this: unknown, ...args) {
    const response = routeResponse(
      args[responseIndex] as ServerResponse & FrameworkResponse,
      registry.perAddress,
    );
    if (response.request.method === 'HEAD') return answerHead(response);
    const result = original.apply(this, args);
    if (result instanceof Promise) {
      return result.then((value) => registry.serveResult(response, value));
    }
    return registry.serveResult(response, result);
  };
  return withMetadataOf(route.metadataOf, handler, route.omit);
}

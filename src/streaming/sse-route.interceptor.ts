import type {
  CallHandler,
  ExecutionContext,
  NestInterceptor,
} from '@nestjs/common';
import { Injectable, Optional } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { of } from 'rxjs';
import type { SseFrame } from '../framing/sse-frame.js';
import type { SseMessage } from '../framing/sse-message.js';
import { ErrorMessages } from '../errors/error-messages.js';
import { attachSseSignal, isAdoptedSseHandler } from './adopted-sse-route.js';
import { INTERCEPTORS_METADATA } from './nest-metadata-keys.js';
import { answerHead, routeResponse } from './route-response.js';
import { StreamRegistry } from './stream.registry.js';

/** What the interceptor needs to know of a route handler, read once. */
interface RouteTraits {
  /** An `@Sse()` handler adopted by `SseModule`. */
  readonly adopted: boolean;
  /**
   * This interceptor runs last, right around the handler (`@SseRoute()`
   * above the method's other decorators): the handler's stream can then skip
   * Nest's operators, as no other interceptor would see its frames.
   */
  readonly innermost: boolean;
}

/** Per handler: metadata does not change once the routes are registered. */
const traitsByHandler = new WeakMap<object, RouteTraits>();

function traitsOf(handler: object): RouteTraits {
  let traits = traitsByHandler.get(handler);
  if (!traits) {
    const interceptors: unknown[] | undefined = Reflect.getMetadata(
      INTERCEPTORS_METADATA,
      handler,
    );
    const last = interceptors?.[interceptors.length - 1];
    traits = {
      adopted: isAdoptedSseHandler(handler),
      // `@SseRoute()` names the class; an adopted `@Sse()` route gets the instance.
      innermost:
        last === SseRouteInterceptor || last instanceof SseRouteInterceptor,
    };
    traitsByHandler.set(handler, traits);
  }
  return traits;
}

/**
 * Applied by `@SseRoute()` and to the `@Sse()` routes `SseModule` adopts:
 * writes what the handler's Observable emits to the
 * raw response, bypassing Nest's per-subscriber `@Sse()` encoding. Guards,
 * pipes, other interceptors and exception filters run as for any route.
 * (Routes no other interceptor applies to are served without it, by their
 * handler: see `SseModule`.)
 */
@Injectable()
export class SseRouteInterceptor implements NestInterceptor {
  // Optional: a unit test compiles a controller with a BroadcastService of
  // its own and no SseModule, and calls the handlers directly. Only a
  // request needs the module (it fails saying so).
  constructor(@Optional() private readonly registry?: StreamRegistry) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<void> {
    const registry = this.registry;
    if (!registry) {
      throw new Error(
        ErrorMessages.sseModuleMissing(
          `${context.getClass().name}.${context.getHandler().name}`,
        ),
      );
    }
    // The arguments themselves: `switchToHttp()` adds three closures to the
    // context on every call.
    const route = routeResponse(context.getArgByIndex(1), registry.perAddress);
    const traits = traitsOf(context.getHandler());
    if (traits.adopted) {
      attachSseSignal(context.getArgByIndex(0), route.response);
    }
    if (route.request.method === 'HEAD') {
      answerHead(route); // Guards ran; the handler does not.
      return of(undefined);
    }
    return registry.serve({
      ...route,
      source: next.handle() as Observable<SseFrame | SseMessage>,
      handOver: traits.innermost,
    });
  }
}

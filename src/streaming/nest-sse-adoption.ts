import { Res, SseSignal } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import { ADOPTED_SSE_METADATA } from './adopted-sse-route.js';
import { directSseHandler } from './direct-sse-handler.js';
import {
  INTERCEPTORS_METADATA,
  ROUTE_ARGS_METADATA,
  RouteParamtypes,
  SSE_METADATA,
  SSE_OPTIONS_METADATA,
} from './nest-metadata-keys.js';
import type { Handler } from './sse-route.decorator.js';
import {
  handingOver,
  responseParamIndex,
  sseRouteHandlerOf,
} from './sse-route.decorator.js';
import { SseRouteInterceptor } from './sse-route.interceptor.js';
import type { StreamRegistry } from './stream.registry.js';

/** What Nest's discovery gives for one controller of the app. */
type ControllerWrapper = ReturnType<DiscoveryService['getControllers']>[number];

/** What `adoptNestSseRoutes` takes. */
export interface AdoptionOptions {
  /** The app's controllers (`DiscoveryService.getControllers()`). */
  readonly controllers: Iterable<ControllerWrapper>;
  /** The app's `SseRouteInterceptor`, which serves the adopted routes other interceptors apply to. */
  readonly interceptor: SseRouteInterceptor;
  /** The app's registry, which the routes no other interceptor applies to are served by directly. */
  readonly registry: StreamRegistry;
  /** Adopt Nest's `@Sse()` routes (`adoptNestSse` not `false`); `@SseRoute()` ones are served either way. */
  readonly adoptSse: boolean;
  /** Adopt the routes interceptors apply to too (`adoptNestSse: 'always'`). */
  readonly evenIntercepted: boolean;
  /** The app has global interceptors: they apply to every route. */
  readonly globalInterceptors: boolean;
}

/** What `adoptNestSseRoutes` did, as `Controller.method` names. */
export interface SseAdoption {
  readonly adopted: string[];
  /** Left to Nest: interceptors apply to them, which would no longer see their events. */
  readonly intercepted: string[];
  /** `@SseRoute()` and adopted `@Sse()` routes served by their handler, without an interceptor. */
  readonly direct: string[];
}

/**
 * The response parameter added to each adopted method, by class and method
 * name (a subclass has its own route parameters). Route parameters are
 * metadata of the class, shared by every app of the process: added once,
 * and an app without `SseModule` passes it to the method, which ignores an
 * extra argument.
 */
const addedResponseParams = new WeakMap<object, Map<string, number>>();

/** Nest's router leaves the answer to a handler that takes either. */
const ANSWERS_ITSELF = new Set<number>([
  RouteParamtypes.RESPONSE,
  RouteParamtypes.NEXT,
]);

/**
 * Puts the `@Sse()` routes of these controllers on the `@SseRoute()` fast
 * path, for this app only, and serves the routes no other interceptor
 * applies to (`@SseRoute()` ones too) by their handler, without an
 * interceptor (`directSseHandler`). Nest's router takes a route's handler
 * from the controller instance and the handler's metadata from it, so each
 * instance gets an own property: a wrapper of the method, without
 * `@Sse()`'s metadata (Nest serves it as a plain route whose response is
 * handled), and either without interceptors or with this
 * `SseRouteInterceptor` innermost. Must run after the controllers are built
 * and before the routes are registered: in a module's `configure()`.
 */
export function adoptNestSseRoutes(options: AdoptionOptions): SseAdoption {
  const result: SseAdoption = { adopted: [], intercepted: [], direct: [] };
  for (const wrapper of options.controllers) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    // A request-scoped controller is built per request: it keeps Nest's path.
    if (!instance || !wrapper.isDependencyTreeStatic()) continue;
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const name of methodNames(prototype)) {
      const method = (prototype as Record<string, unknown>)[name] as Handler;
      if (Object.prototype.hasOwnProperty.call(instance, name)) continue;
      const host = prototype.constructor;
      const label = `${host.name}.${name}`;
      const sseRoute = sseRouteHandlerOf(method);
      if (sseRoute) {
        if (options.globalInterceptors || !onlyOurs(host, method)) continue;
        define(
          instance,
          name,
          directSseHandler({
            handler: sseRoute.original,
            metadataOf: method,
            responseIndex: sseRoute.responseIndex,
            registry: options.registry,
            omit: [INTERCEPTORS_METADATA],
          }),
        );
        result.direct.push(label);
        continue;
      }
      if (
        !options.adoptSse ||
        Reflect.getMetadata(SSE_METADATA, method) !== true
      ) {
        continue;
      }
      const known = addedResponseParam(host, name);
      if (known === undefined && answersItself(host, name)) continue;
      const intercepted =
        options.globalInterceptors || hasOwnInterceptors(host, method);
      if (intercepted && !options.evenIntercepted) {
        result.intercepted.push(label);
        continue;
      }
      const responseIndex = known ?? addResponseParam(prototype, name, method);
      // `@SseSignal()` needs the interceptor: it sets the signal up before
      // the parameters are resolved.
      const direct = !intercepted && !readsSseSignal(host, name);
      define(
        instance,
        name,
        direct
          ? markedAdopted(
              directSseHandler({
                handler: method,
                metadataOf: method,
                responseIndex,
                registry: options.registry,
                omit: [
                  SSE_METADATA,
                  SSE_OPTIONS_METADATA,
                  INTERCEPTORS_METADATA,
                ],
              }),
            )
          : adopted(method, responseIndex, options.interceptor),
      );
      result.adopted.push(label);
      if (direct) result.direct.push(label);
    }
  }
  return result;
}

/** Gives `instance` its own handler for `name`, which Nest's router takes. */
function define(instance: object, name: string, handler: Handler): void {
  Object.defineProperty(instance, name, {
    value: handler,
    configurable: true,
    writable: true,
  });
}

function markedAdopted(handler: Handler): Handler {
  Reflect.defineMetadata(ADOPTED_SSE_METADATA, true, handler);
  return handler;
}

/** The handler Nest registers in place of `original`. */
function adopted(
  original: Handler,
  responseIndex: number,
  interceptor: SseRouteInterceptor,
): Handler {
  const handler = handingOver(original, responseIndex, [
    SSE_METADATA,
    SSE_OPTIONS_METADATA,
    INTERCEPTORS_METADATA,
  ]);
  const own = Reflect.getMetadata(INTERCEPTORS_METADATA, original) as
    unknown[] | undefined;
  // Innermost, as `@SseRoute()` above the other decorators puts it: the
  // handler's stream then skips Nest's operators.
  Reflect.defineMetadata(
    INTERCEPTORS_METADATA,
    [...(own ?? []), interceptor],
    handler,
  );
  return markedAdopted(handler);
}

/** An `@SseRoute()` method whose only interceptor is its own `SseRouteInterceptor`. */
function onlyOurs(host: object, method: Handler): boolean {
  const own = Reflect.getMetadata(INTERCEPTORS_METADATA, method) as
    unknown[] | undefined;
  const onClass = Reflect.getMetadata(INTERCEPTORS_METADATA, host) as
    unknown[] | undefined;
  return (
    own?.length === 1 &&
    own[0] === SseRouteInterceptor &&
    (onClass?.length ?? 0) === 0
  );
}

/** The factory Nest's `@SseSignal()` puts in a route's parameters, found once. */
let sseSignalFactory: unknown;

/** Whether `host.name` takes an `@SseSignal()` parameter. */
function readsSseSignal(host: object, name: string): boolean {
  if (sseSignalFactory === undefined) {
    class Probe {
      handler(): void {}
    }
    SseSignal()(Probe.prototype, 'handler', 0);
    const probe: Record<string, { factory?: unknown }> =
      Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'handler') ?? {};
    sseSignalFactory = Object.values(probe)[0]?.factory ?? null;
  }
  const params: Record<string, { factory?: unknown }> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, host, name) ?? {};
  return Object.values(params).some(
    (param) => param.factory === sseSignalFactory,
  );
}

function hasOwnInterceptors(host: object, method: Handler): boolean {
  return [host, method].some(
    (target) =>
      ((
        Reflect.getMetadata(INTERCEPTORS_METADATA, target) as
          unknown[] | undefined
      )?.length ?? 0) > 0,
  );
}

/** The index of the response parameter added to `host.name` (or inherited with its parameters), if any. */
function addedResponseParam(host: object, name: string): number | undefined {
  return addedResponseParams.get(routeArgsOwner(host, name) ?? host)?.get(name);
}

/** Whether `host.name` takes the response or `next`: Nest then leaves the answer to it. */
function answersItself(host: object, name: string): boolean {
  const params: Record<string, unknown> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, host, name) ?? {};
  return Object.keys(params).some((key) =>
    ANSWERS_ITSELF.has(Number(key.split(':')[0])),
  );
}

/** Adds a response parameter past the method's own; returns its index. */
function addResponseParam(
  prototype: object,
  name: string,
  original: Handler,
): number {
  const host = prototype.constructor;
  const index = responseParamIndex(prototype, name, original);
  Res()(prototype, name, index);
  let added = addedResponseParams.get(host);
  if (!added) addedResponseParams.set(host, (added = new Map()));
  added.set(name, index);
  return index;
}

/** The class along `host`'s chain whose own metadata holds the route parameters of `name`. */
function routeArgsOwner(host: object, name: string): object | undefined {
  for (
    let type: object | null = host;
    type && type !== Function.prototype;
    type = Object.getPrototypeOf(type) as object | null
  ) {
    if (Reflect.hasOwnMetadata(ROUTE_ARGS_METADATA, type, name)) return type;
  }
  return undefined;
}

/** The method names along a prototype chain, as Nest's `MetadataScanner` lists them. */
function methodNames(prototype: object): Set<string> {
  const names = new Set<string>();
  for (
    let proto: object | null = prototype;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (typeof descriptor?.value === 'function') names.add(name);
    }
  }
  return names;
}

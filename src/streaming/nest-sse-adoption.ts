import { Res } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import { ADOPTED_SSE_METADATA } from './adopted-sse-route.js';
import {
  INTERCEPTORS_METADATA,
  ROUTE_ARGS_METADATA,
  RouteParamtypes,
  SSE_METADATA,
  SSE_OPTIONS_METADATA,
} from './nest-metadata-keys.js';
import type { Handler } from './sse-route.decorator.js';
import { handingOver, responseParamIndex } from './sse-route.decorator.js';
import type { SseRouteInterceptor } from './sse-route.interceptor.js';

/** What Nest's discovery gives for one controller of the app. */
type ControllerWrapper = ReturnType<DiscoveryService['getControllers']>[number];

/** What `adoptNestSseRoutes` takes. */
export interface AdoptionOptions {
  /** The app's controllers (`DiscoveryService.getControllers()`). */
  readonly controllers: Iterable<ControllerWrapper>;
  /** The app's `SseRouteInterceptor`, which serves the adopted routes. */
  readonly interceptor: SseRouteInterceptor;
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
 * path, for this app only. Nest's router takes a route's handler from the
 * controller instance and the handler's metadata from it, so each instance
 * gets an own property: the `@SseRoute()` wrapper of the method, without
 * `@Sse()`'s metadata (Nest serves it as a plain route whose response is
 * handled) and with this `SseRouteInterceptor` innermost. Must run after
 * the controllers are built and before the routes are registered: in a
 * module's `configure()`.
 */
export function adoptNestSseRoutes(options: AdoptionOptions): SseAdoption {
  const result: SseAdoption = { adopted: [], intercepted: [] };
  for (const wrapper of options.controllers) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    // A request-scoped controller is built per request: it keeps Nest's path.
    if (!instance || !wrapper.isDependencyTreeStatic()) continue;
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const name of methodNames(prototype)) {
      const original = (prototype as Record<string, unknown>)[name] as Handler;
      if (
        Object.prototype.hasOwnProperty.call(instance, name) ||
        Reflect.getMetadata(SSE_METADATA, original) !== true
      ) {
        continue;
      }
      const host = prototype.constructor;
      const known = addedResponseParam(host, name);
      if (known === undefined && answersItself(host, name)) continue;
      const label = `${host.name}.${name}`;
      if (
        !options.evenIntercepted &&
        (options.globalInterceptors || hasOwnInterceptors(host, original))
      ) {
        result.intercepted.push(label);
        continue;
      }
      const responseIndex =
        known ?? addResponseParam(prototype, name, original);
      Object.defineProperty(instance, name, {
        value: adopted(original, responseIndex, options.interceptor),
        configurable: true,
        writable: true,
      });
      result.adopted.push(label);
    }
  }
  return result;
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
  Reflect.defineMetadata(ADOPTED_SSE_METADATA, true, handler);
  return handler;
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

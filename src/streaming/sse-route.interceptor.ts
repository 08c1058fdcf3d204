import type {
  CallHandler,
  ExecutionContext,
  NestInterceptor,
} from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { of } from 'rxjs';
import type { SseFrame } from '../framing/sse-frame.js';
import type { SseMessage } from '../framing/sse-message.js';
import { ResolvedSseOptions } from '../resolved-sse-options.js';
import { attachSseSignal, isAdoptedSseHandler } from './adopted-sse-route.js';
import { INTERCEPTORS_METADATA } from './nest-metadata-keys.js';
import type { FrameworkResponse } from './sse-connection.js';
import { setStreamHeaders } from './sse-connection.js';
import { StreamRegistry } from './stream.registry.js';

/** The raw Node objects behind an Express or Fastify request/response. */
type Raw<T> = T | { raw: T };
const raw = <T>(value: Raw<T>): T =>
  typeof value === 'object' && value !== null && 'raw' in value
    ? value.raw
    : value;

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
 */
@Injectable()
export class SseRouteInterceptor implements NestInterceptor {
  /** Whether streams are counted per client address (`maxClientsPerAddress`). */
  private readonly perAddress: boolean;

  constructor(
    private readonly registry: StreamRegistry,
    options: ResolvedSseOptions,
  ) {
    this.perAddress = Number.isFinite(options.maxClientsPerAddress);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<void> {
    // The arguments themselves: `switchToHttp()` adds three closures to the
    // context on every call.
    const request = context.getArgByIndex<
      Raw<IncomingMessage> & { ip?: unknown }
    >(0);
    const response = context.getArgByIndex<
      Raw<ServerResponse> & FrameworkResponse
    >(1);
    const rawRequest = raw(request);
    const rawResponse = raw(response);
    const traits = traitsOf(context.getHandler());
    if (traits.adopted) attachSseSignal(request, rawResponse);
    const framework = response === rawResponse ? undefined : response;
    if (rawRequest.method === 'HEAD') {
      // Health checks and link checkers: the headers a GET gets, no body,
      // no stream (the handler does not run), nothing counted. Guards ran.
      framework?.hijack?.();
      setStreamHeaders(rawRequest, rawResponse, framework);
      rawResponse.end();
      return of(undefined);
    }
    return this.registry.serve({
      source: next.handle() as Observable<SseFrame | SseMessage>,
      handOver: traits.innermost,
      request: rawRequest,
      response: rawResponse,
      framework,
      // Express and Fastify both resolve `ip` through their proxy settings
      // (not free: a system call, then the proxy rules).
      clientAddress:
        this.perAddress && typeof request.ip === 'string'
          ? request.ip
          : undefined,
    });
  }
}

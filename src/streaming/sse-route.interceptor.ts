import type {
  CallHandler,
  ExecutionContext,
  NestInterceptor,
} from '@nestjs/common';
import { Injectable, Optional } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { of, tap } from 'rxjs';
import type { SseFrame } from '../framing/sse-frame.js';
import type { SseMessage } from '../framing/sse-message.js';
import { ErrorMessages } from '../errors/error-messages.js';
import { ResolvedSseOptions } from '../resolved-sse-options.js';
import { attachSseSignal, isAdoptedSseHandler } from './adopted-sse-route.js';
import { handedOverResult } from './handler-hand-off.js';
import { INTERCEPTORS_METADATA } from './nest-metadata-keys.js';
import { setStreamHeaders } from './sse-connection.js';
import { StreamRegistry } from './stream.registry.js';

/** The raw Node objects behind an Express or Fastify request/response. */
type Raw<T> = T | { raw: T };
type FrameworkResponse = Raw<ServerResponse> & {
  getHeaders?: () => Record<string, unknown>;
  /** Fastify: the handler answers by itself (`reply.raw`). */
  hijack?: () => unknown;
};
const raw = <T>(value: Raw<T>): T =>
  typeof value === 'object' && value !== null && 'raw' in value
    ? value.raw
    : value;

/**
 * Whether this interceptor runs last, right around the handler (`@SseRoute()`
 * above the method's other decorators): the handler's stream can then skip
 * Nest's operators, as no other interceptor would see its frames.
 */
function isInnermost(handler: object): boolean {
  const interceptors: unknown[] | undefined = Reflect.getMetadata(
    INTERCEPTORS_METADATA,
    handler,
  );
  const last = interceptors?.[interceptors.length - 1];
  // `@SseRoute()` names the class; an adopted `@Sse()` route gets the instance.
  return last === SseRouteInterceptor || last instanceof SseRouteInterceptor;
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

  // Optional: a unit test compiles a controller with a BroadcastService of
  // its own and no SseModule, and calls the handlers directly. Only a
  // request needs the module (it fails saying so).
  constructor(
    @Optional() private readonly registry?: StreamRegistry,
    @Optional() options?: ResolvedSseOptions,
  ) {
    this.perAddress = Number.isFinite(options?.maxClientsPerAddress);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<void> {
    const registry = this.registry;
    if (!registry) {
      throw new Error(
        ErrorMessages.sseModuleMissing(
          `${context.getClass().name}.${context.getHandler().name}`,
        ),
      );
    }
    const http = context.switchToHttp();
    const response = http.getResponse<FrameworkResponse>();
    const rawResponse = raw(response);
    const request = http.getRequest<Raw<IncomingMessage> & { ip?: unknown }>();
    const handler = context.getHandler();
    if (isAdoptedSseHandler(handler)) attachSseSignal(request, rawResponse);
    const frameworkHeaders =
      response === rawResponse ? undefined : () => response.getHeaders?.();
    if (raw(request).method === 'HEAD') {
      // Health checks and link checkers: the headers a GET gets, no body,
      // no stream (the handler does not run), nothing counted. Guards ran.
      response.hijack?.();
      setStreamHeaders(raw(request), rawResponse, frameworkHeaders);
      rawResponse.end();
      return of(undefined);
    }
    const chain = next.handle() as Observable<SseFrame | SseMessage>;
    const served = registry.serve({
      source: isInnermost(handler)
        ? handedOverResult(rawResponse, chain)
        : chain,
      request: raw(request),
      response: rawResponse,
      frameworkHeaders,
      // Express and Fastify both resolve `ip` through their proxy settings
      // (not free: a system call, then the proxy rules).
      clientAddress:
        this.perAddress && typeof request.ip === 'string'
          ? request.ip
          : undefined,
    });
    // Fastify's reply is a thenable that Nest's route handler returns, so
    // the request pipeline would wait for the stream to end: once the stream
    // is handed over, the reply is Fastify's no more.
    return typeof response.hijack === 'function'
      ? served.pipe(tap(() => response.hijack!()))
      : served;
  }
}

import { SSE_ABORT_CONTROLLER } from '@nestjs/common';
import type { ServerResponse } from 'node:http';

/** Marks an `@Sse()` handler that `SseModule` put on the `@SseRoute()` fast path. */
export const ADOPTED_SSE_METADATA = 'nestjs-sse:adopted';

/** Whether `handler` is an `@Sse()` handler adopted by `SseModule`. */
export function isAdoptedSseHandler(handler: object): boolean {
  return Reflect.getMetadata(ADOPTED_SSE_METADATA, handler) === true;
}

type SignalCarrier = { [SSE_ABORT_CONTROLLER]?: AbortController };

/**
 * What Nest's router does for `@Sse()` handlers only, and so not for an
 * adopted one: an AbortController on the request (framework and raw), which
 * `@SseSignal()` reads, aborted once the response is over, however it ended.
 * Must run before the handler's parameters are resolved.
 */
export function attachSseSignal(
  request: object,
  response: ServerResponse,
): void {
  const controller = new AbortController();
  (request as SignalCarrier)[SSE_ABORT_CONTROLLER] = controller;
  const rawRequest = (request as { raw?: unknown }).raw;
  if (typeof rawRequest === 'object' && rawRequest !== null) {
    (rawRequest as SignalCarrier)[SSE_ABORT_CONTROLLER] = controller;
  }
  response.once('close', () => controller.abort());
}

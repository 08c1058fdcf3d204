import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FrameworkResponse } from './sse-connection.js';
import { setStreamHeaders } from './sse-connection.js';

/** The raw Node object behind an Express or Fastify request/response. */
type Raw<T> = T | { raw: T };

const raw = <T>(value: Raw<T>): T =>
  typeof value === 'object' && value !== null && 'raw' in value
    ? value.raw
    : value;

/** A route's response as a stream is served over it. */
export interface RouteResponse {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** Fastify's reply: not the raw response. */
  readonly framework?: FrameworkResponse;
  /** The framework's `request.ip`, when streams are counted per address. */
  readonly clientAddress?: string;
}

/** The framework's request as far as a stream needs it. */
type FrameworkRequest = Raw<IncomingMessage> & { ip?: unknown };

/**
 * The response a route handler is given (Express's, which is the raw one,
 * or Fastify's reply) and what goes with it: the raw request (`res.req`),
 * and, when `perAddress`, the framework's `request.ip` (Express and Fastify
 * both resolve it through their proxy settings; not free: a system call,
 * then the proxy rules).
 */
export function routeResponse(
  response: Raw<ServerResponse> & FrameworkResponse,
  perAddress: boolean,
): RouteResponse {
  const rawResponse = raw(response);
  const framework = response === rawResponse ? undefined : response;
  const request: FrameworkRequest =
    (framework as { request?: FrameworkRequest } | undefined)?.request ??
    rawResponse.req;
  return {
    request: raw(request),
    response: rawResponse,
    framework,
    clientAddress:
      perAddress && typeof request.ip === 'string' ? request.ip : undefined,
  };
}

/**
 * Answers a HEAD request (health checks, link checkers): the headers a GET
 * gets, no body, no stream (the handler does not run), nothing counted.
 */
export function answerHead({ request, response, framework }: RouteResponse) {
  framework?.hijack?.();
  setStreamHeaders(request, response, framework);
  response.end();
}

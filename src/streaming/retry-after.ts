import type { ServerResponse } from 'node:http';

/**
 * Sets `Retry-After` on a response that is about to carry `error`, when the
 * error says how long to wait (`retryAfterSeconds`, as `TooManyClientsException`
 * and `TooManyClientsFromAddressException` do). Exception filters keep headers
 * already set on the response, on Express and Fastify alike.
 */
export function applyRetryAfter(
  response: ServerResponse,
  error: unknown,
): void {
  const seconds = (error as { retryAfterSeconds?: unknown } | null)
    ?.retryAfterSeconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return;
  if (response.headersSent) return;
  response.setHeader('Retry-After', String(Math.max(0, Math.ceil(seconds))));
}

import type { IncomingMessage } from 'node:http';

/**
 * Lets go of what Express's router left on a request for a chain that is
 * over once the stream is handed off: `req.next` (its routing state) and
 * `req._parsedUrl`, otherwise held for the whole stream. Nothing continues
 * a streaming route, and `parseurl` parses again if asked.
 */
export function releaseRoutingLeftovers(request: IncomingMessage): void {
  const leftovers = request as { next?: unknown; _parsedUrl?: unknown };
  if (typeof leftovers.next === 'function') leftovers.next = undefined;
  if (leftovers._parsedUrl !== undefined) leftovers._parsedUrl = undefined;
}

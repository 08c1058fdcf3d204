import type { IncomingMessage } from 'node:http';

/**
 * Lets go of what the router left on a request for the rest of its chain,
 * once a stream is handed off and that chain is over. Express's `req.next`
 * holds its routing state (closures over the layers, the values it would
 * restore) and `req._parsedUrl` a parsed URL, for as long as the request
 * lives: here, the whole stream. Both are rebuilt on demand by whatever
 * would need them (`parseurl` parses again; nothing continues a route whose
 * response is streaming).
 */
export function releaseRoutingLeftovers(request: IncomingMessage): void {
  const leftovers = request as { next?: unknown; _parsedUrl?: unknown };
  if (typeof leftovers.next === 'function') leftovers.next = undefined;
  if (leftovers._parsedUrl !== undefined) leftovers._parsedUrl = undefined;
}

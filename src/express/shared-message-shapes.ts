import type { Express } from 'express';
import { IncomingMessage, ServerResponse } from 'node:http';

/** What `http.createServer(options)` takes to build requests and responses. */
export interface MessageClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
}

/**
 * Request and response classes whose instances start out with the
 * prototypes Express gives them, for `http.createServer(classes, app)`.
 *
 * Express's `app.handle` swaps the prototype of every request and response
 * (`Object.setPrototypeOf(req, app.request)`). After such a swap V8 gives
 * each object a hidden class of its own, and every property Express, Nest
 * and Node add later copies it: about 2 KB per request and response pair,
 * held for as long as a stream is open, and every property access becomes a
 * lookup. Built with the right prototype from the start, the swap changes
 * nothing and all requests share their hidden classes.
 *
 * `app.request` and `app.response` become the new classes' prototypes
 * (inheriting from the old ones), so what was defined on them, or is defined
 * later, still applies.
 */
export function sharedMessageShapes(app: Express): MessageClasses {
  class ExpressIncomingMessage extends IncomingMessage {}
  Object.setPrototypeOf(ExpressIncomingMessage.prototype, app.request);
  app.request = ExpressIncomingMessage.prototype as Express['request'];

  class ExpressServerResponse extends ServerResponse {}
  Object.setPrototypeOf(ExpressServerResponse.prototype, app.response);
  app.response = ExpressServerResponse.prototype as Express['response'];

  return {
    IncomingMessage: ExpressIncomingMessage,
    // A plain subclass: ServerResponse's generic request type does not carry over.
    ServerResponse: ExpressServerResponse as typeof ServerResponse,
  };
}

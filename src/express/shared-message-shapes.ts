import type { Express } from 'express';
import { IncomingMessage, ServerResponse } from 'node:http';

/** What `http.createServer(options)` takes to build requests and responses. */
export interface MessageClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
}

/** The classes made for each app. */
const classesOf = new WeakMap<Express, MessageClasses>();

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
  // Once per app: a second pair would leave the first pair's instances with
  // a prototype that Express swaps again.
  const known = classesOf.get(app);
  if (known) return known;
  class ExpressIncomingMessage extends IncomingMessage {}
  Object.setPrototypeOf(ExpressIncomingMessage.prototype, app.request);
  app.request = ExpressIncomingMessage.prototype as Express['request'];

  class ExpressServerResponse extends ServerResponse {}
  Object.setPrototypeOf(ExpressServerResponse.prototype, app.response);
  app.response = ExpressServerResponse.prototype as Express['response'];

  const classes: MessageClasses = {
    IncomingMessage: ExpressIncomingMessage,
    // A plain subclass: ServerResponse's generic request type does not carry over.
    ServerResponse: ExpressServerResponse as typeof ServerResponse,
  };
  classesOf.set(app, classes);
  return classes;
}

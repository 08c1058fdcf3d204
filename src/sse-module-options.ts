import type { SseAuthorizer } from './broadcast/stream-authorizer.js';
import type { SseIdentifier } from './broadcast/stream-identity.js';
import type { SseTransport } from './transports/sse.transport.js';

/** Options of `SseModule.forRoot()` / `forRootAsync()`. Every one is optional. */
export interface SseModuleOptions {
  /**
   * The longest a stream stays silent: one that had nothing else to send
   * for most of it gets a `: keep-alive` comment, which keeps proxies with
   * idle timeouts (ALB 60 s, Cloudflare ~100 s) from cutting it. `0` turns
   * them off.
   * @default 15
   */
  keepAliveSeconds?: number;
  /**
   * Reconnection delay in ms that clients are told in the first frame of
   * every broadcast stream (`retry:`).
   * @default 2000
   */
  retryMs?: number;
  /**
   * Streams this process serves at once (every `@SseRoute()` stream); one
   * more is answered 503 with `Retry-After`, before any byte of it is sent.
   * @default Infinity
   */
  maxClients?: number;
  /**
   * Streams one client address may hold open at once, counted as
   * `maxClients` counts them; one more is answered 429 with `Retry-After`.
   * The address is the framework's `request.ip` (so Express `trust proxy` /
   * Fastify `trustProxy` apply), else the socket's.
   * @default Infinity
   */
  maxClientsPerAddress?: number;
  /**
   * Channels one broadcast stream may subscribe to (after removing
   * duplicates); more are answered 400 before the stream starts. Each one
   * costs a set membership per client and a line in `connectedClients`.
   * @default 64
   */
  maxChannelsPerStream?: number;
  /**
   * Seconds sent in `Retry-After` with a 503 (`maxClients`) or a 429
   * (`maxClientsPerAddress`).
   * @default retryMs in whole seconds, at least 1
   */
  retryAfterSeconds?: number;
  /**
   * Decides, before any byte is sent, whether a request may open a broadcast
   * stream of the channels it asked for: `true` allows, `false` answers 403,
   * a thrown `HttpException` (e.g. `UnauthorizedException`) answers its
   * status. Needs `BroadcastService.stream({ request })`; an asynchronous
   * verdict holds the headers back only on `@SseRoute()` routes.
   * @default none: every stream is allowed
   */
  authorize?: SseAuthorizer;
  /**
   * Says whose a broadcast stream is, from its request, before any byte is
   * sent (where `authorize` runs): a user id (the channel-name rule: 1 to 64
   * letters, digits or `-_.:`), or `undefined`/`null` for an anonymous
   * stream. `publish({ user })` reaches that user's streams on every
   * instance, `publish({ exceptUser })` everyone else, and `SsePresence`
   * counts users. A thrown `HttpException` answers its status; an id that
   * breaks the rule answers 400; a value that is not a string is a bug (500).
   * Needs `BroadcastService.stream({ request })`.
   * @default none: every stream is anonymous
   */
  identify?: SseIdentifier;
  /**
   * At shutdown every stream gets a last frame with `retry:` set to
   * `retryMs` plus a random share of this many ms, so the clients of a
   * stopping instance spread their reconnects instead of arriving at once.
   * @default 5000
   */
  shutdownRetrySpreadMs?: number;
  /**
   * Bytes a client may leave unread before it is dropped: its connection is
   * closed, and it replays what it missed when it reconnects.
   * @default 4 MiB
   */
  maxBufferedBytes?: number;
  /**
   * Serves the app's Nest `@Sse()` routes as `@SseRoute()` ones: frames go
   * to the socket as they are (a broadcast encoded once), not through
   * Nest's per-client encoding, and count against `maxClients` and
   * `maxClientsPerAddress`. `true` adopts the routes no interceptor applies
   * to (global, controller or method), as an interceptor would see one
   * emission once the headers are out, not the events; `'always'` adopts
   * those too; `false` leaves every `@Sse()` route to Nest.
   * @default true
   */
  adoptNestSse?: boolean | 'always';
  /**
   * Carries events between publishers and streams, and keeps the history
   * replayed after `Last-Event-ID` (its size is the transport's option:
   * `new InMemoryTransport({ historySize })`).
   * @default `new InMemoryTransport()`: one process, 1000 events of history
   */
  transport?: SseTransport;
}

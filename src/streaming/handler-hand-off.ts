import type { Observable } from 'rxjs';
import { EMPTY, isObservable } from 'rxjs';

/** What waits for the `@SseRoute()` handler of one response: its stream. */
export interface HandlerWaiter {
  /** The handler returned: the headers may go out on the next turn. */
  handlerReturned(): void;
  /**
   * Offered the handler's own Observable, instead of Nest's chain around
   * it; answers whether it took it (then Nest gets an empty one instead).
   */
  takeResult(result: Observable<unknown>): boolean;
}

/**
 * The stream waiting for the handler of each response, keyed by the raw
 * Node response. A WeakMap, not a property: adding and deleting properties
 * on the response would make it a slow dictionary-mode object for the
 * whole stream.
 */
const waiters = new WeakMap<object, HandlerWaiter>();

/** Registers what waits for the route handler of `response`. */
export function awaitHandler(response: object, waiter: HandlerWaiter): void {
  waiters.set(response, waiter);
}

/** Forgets the waiter of `response`: its stream ended before the handler returned. */
export function cancelHandOff(response: object): void {
  waiters.delete(response);
}

/**
 * Called by `@SseRoute()` with the framework response (Express's, or
 * Fastify's reply) and what the handler returned. An Observable is offered
 * to the stream waiting for it (taken, Nest gets an empty one in its place);
 * then the stream is told that the handler returned (once the promise of
 * `holdHeadersUntil` settled, if the result carries one).
 */
export function handlerReturned(response: unknown, result: unknown): unknown {
  const key = keyOf(response);
  const waiter = key && waiters.get(key);
  if (!waiter) return result;
  waiters.delete(key);
  const handed =
    isObservable(result) && waiter.takeResult(result) ? EMPTY : result;
  onceHeadersMayGo(result, waiter);
  return handed;
}

/**
 * Tells `waiter` that the handler returned `result`: at once, or once the
 * promise `holdHeadersUntil` put on it settled.
 */
export function onceHeadersMayGo(result: unknown, waiter: HandlerWaiter): void {
  const held = headersHeldBy(result);
  if (!held) return waiter.handlerReturned();
  const returned = () => waiter.handlerReturned();
  held.then(returned, returned);
}

/** The raw response (Express), or `reply.raw` (Fastify), when it has a waiter. */
function keyOf(response: unknown): object | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  if (waiters.has(response)) return response;
  const raw = (response as { raw?: unknown }).raw;
  return typeof raw === 'object' && raw !== null && waiters.has(raw)
    ? raw
    : undefined;
}

const HEADERS_HELD = Symbol('sse.headersHeld');

type Holder = { [HEADERS_HELD]?: Promise<unknown> };

/**
 * Marks a stream whose headers must wait for `ready` (an asynchronous
 * `authorize` verdict): `@SseRoute()` reports "handler returned" only once it
 * settled, so a refusal still gets its 401/403 instead of a started stream.
 */
export function holdHeadersUntil<T extends object>(
  stream: T,
  ready: Promise<unknown>,
): T {
  (stream as Holder)[HEADERS_HELD] = ready;
  return stream;
}

function headersHeldBy(result: unknown): Promise<unknown> | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  return (result as Holder)[HEADERS_HELD];
}

import type { Subscription } from 'rxjs';
import { EMPTY, Observable, isObservable } from 'rxjs';

const HANDLER_RETURNED = Symbol('sse.handlerReturned');

type Carrier = { [HANDLER_RETURNED]?: () => void; raw?: unknown };

/** Registers what to do once the route handler of this response has returned. */
export function onHandlerReturned(
  response: object,
  callback: () => void,
): void {
  (response as Carrier)[HANDLER_RETURNED] = callback;
}

/** Called by `@SseRoute()` with the framework response (Express's, or Fastify's reply). */
export function notifyHandlerReturned(response: unknown): void {
  if (typeof response !== 'object' || response === null) return;
  const carrier = response as Carrier;
  const target = (carrier[HANDLER_RETURNED] ? carrier : carrier.raw) as
    Carrier | undefined;
  const callback = target?.[HANDLER_RETURNED];
  if (callback) {
    delete target[HANDLER_RETURNED];
    callback();
  }
}

const HEADERS_HELD = Symbol('sse.headersHeld');

type Holder = { [HEADERS_HELD]?: Promise<unknown> };

/**
 * Marks a stream whose headers must wait for `ready` (an asynchronous
 * `authorize` verdict): `@SseRoute()` signals "handler returned" only once it
 * settled, so a refusal still gets its 401/403 instead of a started stream.
 */
export function holdHeadersUntil<T extends object>(
  stream: T,
  ready: Promise<unknown>,
): T {
  (stream as Holder)[HEADERS_HELD] = ready;
  return stream;
}

/** The promise `holdHeadersUntil` attached to a handler's result, if any. */
export function headersHeldBy(result: unknown): Promise<unknown> | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  return (result as Holder)[HEADERS_HELD];
}

const RESULT_RECEIVER = Symbol('sse.resultReceiver');

type Receiver = {
  [RESULT_RECEIVER]?: (result: Observable<unknown>) => void;
  raw?: Receiver;
};

/** What `@SseRoute()`'s handler returns to Nest once it handed its stream over. */
const HANDED_OVER = EMPTY;

/**
 * The handler's own Observable, taken straight from `@SseRoute()` instead
 * of through `chain` (what `next.handle()` gives): Nest puts a few operators
 * and a request-long promise chain around it, a cost per frame and per open
 * stream. `chain` is still subscribed, as it runs the pipes and the handler;
 * whatever it emits is passed on, for a handler that hands nothing over.
 */
export function handedOverResult<T>(
  response: object,
  chain: Observable<T>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    let direct: Subscription | undefined;
    const receiver = response as Receiver;
    receiver[RESULT_RECEIVER] = (result) => {
      direct = (result as Observable<T>).subscribe(subscriber);
    };
    const viaNest = chain.subscribe({
      next: (value) => subscriber.next(value),
      error: (err: unknown) => subscriber.error(err),
      complete: () => {
        if (!direct) subscriber.complete();
      },
    });
    return () => {
      delete receiver[RESULT_RECEIVER];
      viaNest.unsubscribe();
      direct?.unsubscribe();
    };
  });
}

/**
 * Called by `@SseRoute()` with the framework response and what the handler
 * returned: an Observable goes to the waiting `handedOverResult`, and Nest
 * gets an empty one in its place. Anything else is returned as it is.
 */
export function handOverResult(response: unknown, result: unknown): unknown {
  if (typeof response !== 'object' || response === null) return result;
  if (!isObservable(result)) return result;
  const carrier = response as Receiver;
  const target = carrier[RESULT_RECEIVER] ? carrier : carrier.raw;
  const receive = target?.[RESULT_RECEIVER];
  if (!receive) return result;
  delete target[RESULT_RECEIVER];
  receive(result);
  return HANDED_OVER;
}

import type { Subscriber, Subscription, Unsubscribable } from 'rxjs';
import { EMPTY, Observable, isObservable } from 'rxjs';

/** What the stream of one response waits for from its `@SseRoute()` handler. */
interface HandOff {
  /** The handler returned: the headers may go out on the next turn. */
  returned?: () => void;
  /** The handler's own Observable, taken instead of Nest's chain around it. */
  receive?: (result: Observable<unknown>) => void;
}

/**
 * One entry per response whose handler is awaited, keyed by the raw Node
 * response. A WeakMap, not a property: adding and deleting properties on
 * the response would make it a slow dictionary-mode object for the whole
 * stream.
 */
const handOffs = new WeakMap<object, HandOff>();

function entryOf(response: object): HandOff {
  let entry = handOffs.get(response);
  if (!entry) handOffs.set(response, (entry = {}));
  return entry;
}

/** Registers what to do once the route handler of `response` has returned. */
export function onHandlerReturned(
  response: object,
  callback: () => void,
): void {
  entryOf(response).returned = callback;
}

/** Forgets the hand-off of `response`: its stream ended before the handler returned. */
export function cancelHandOff(response: object): void {
  handOffs.delete(response);
}

/**
 * Called by `@SseRoute()` with the framework response (Express's, or
 * Fastify's reply) and what the handler returned. An Observable goes to the
 * stream waiting for it, and Nest gets an empty one in its place; then the
 * stream is told that the handler returned (once the promise of
 * `holdHeadersUntil` settled, if the result carries one).
 */
export function handlerReturned(response: unknown, result: unknown): unknown {
  const key = keyOf(response);
  const entry = key && handOffs.get(key);
  if (!entry) return result;
  handOffs.delete(key);
  let handed = result;
  if (entry.receive && isObservable(result)) {
    entry.receive(result);
    handed = EMPTY;
  }
  const held = headersHeldBy(result);
  if (held) held.then(entry.returned, entry.returned);
  else entry.returned?.();
  return handed;
}

/** The raw response (Express), or `reply.raw` (Fastify), when it has an entry. */
function keyOf(response: unknown): object | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  if (handOffs.has(response)) return response;
  const raw = (response as { raw?: unknown }).raw;
  return typeof raw === 'object' && raw !== null && handOffs.has(raw)
    ? raw
    : undefined;
}

/**
 * The handler's own Observable, taken straight from `@SseRoute()` instead
 * of through `chain` (what `next.handle()` gives): Nest wraps it in a few
 * operators and a request-long promise chain, a cost per frame and per open
 * stream. `chain` is still subscribed, as it runs the pipes and the handler;
 * what it emits is passed on, for a handler that hands nothing over.
 */
export function handedOverResult<T>(
  response: object,
  chain: Observable<T>,
): Observable<T> {
  return new Observable<T>((subscriber) =>
    new ResultHandOver(response, subscriber).follow(chain),
  );
}

/**
 * One subscription of `handedOverResult`. A class, not closures, so that an
 * open stream does not keep `chain` (and the request context it holds) alive.
 */
class ResultHandOver<T> implements Unsubscribable {
  private direct: Subscription | undefined;
  private viaNest: Subscription | undefined;

  constructor(
    private readonly response: object,
    private readonly subscriber: Subscriber<T>,
  ) {
    entryOf(response).receive = (result) => {
      this.direct = (result as Observable<T>).subscribe(subscriber);
    };
  }

  follow(chain: Observable<T>): this {
    this.viaNest = chain.subscribe({
      next: (value) => this.subscriber.next(value),
      error: (err: unknown) => this.subscriber.error(err),
      complete: () => {
        this.viaNest = undefined;
        if (!this.direct) this.subscriber.complete();
      },
    });
    return this;
  }

  unsubscribe(): void {
    cancelHandOff(this.response);
    this.viaNest?.unsubscribe();
    this.direct?.unsubscribe();
  }
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

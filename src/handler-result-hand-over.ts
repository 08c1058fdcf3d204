import type { Subscriber, Subscription, Unsubscribable } from 'rxjs';
import { EMPTY, Observable, isObservable } from 'rxjs';
import { registeredIn } from './sse-handler-signal.js';

type Receiver = (result: Observable<unknown>) => void;

/** Responses whose `@SseRoute()` handler's stream is awaited by `handedOverResult`. */
const receivers = new WeakMap<object, Receiver>();

/**
 * The handler's own Observable, taken straight from `@SseRoute()` instead of
 * through `chain` (what `next.handle()` gives): Nest wraps it in a few
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
 * Called by `@SseRoute()` with the framework response and what the handler
 * returned: an Observable goes to the waiting `handedOverResult`, and Nest
 * gets an empty one in its place. Anything else is returned as it is.
 */
export function handOverResult(response: unknown, result: unknown): unknown {
  if (!isObservable(result)) return result;
  const target = registeredIn(receivers, response);
  if (!target) return result;
  const receive = receivers.get(target)!;
  receivers.delete(target);
  receive(result);
  return EMPTY;
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
    receivers.set(response, (result) => {
      this.direct = (result as Observable<T>).subscribe(subscriber);
    });
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
    receivers.delete(this.response);
    this.viaNest?.unsubscribe();
    this.direct?.unsubscribe();
  }
}

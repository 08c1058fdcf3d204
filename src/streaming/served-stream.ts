import { Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable, Observer, TeardownLogic, Unsubscribable } from 'rxjs';
import { isObservable, of } from 'rxjs';
import type { KeepAliveTimer } from '../framing/keep-alive-timer.js';
import { SseFrame } from '../framing/sse-frame.js';
import type { SseMessage } from '../framing/sse-message.js';
import { STREAM_ERROR_EVENT } from '../sse.constants.js';
import type { FrameSink } from './frame-sink.js';
import { CONNECT_SINK, isSinkSource } from './frame-sink.js';
import type { HandlerWaiter } from './handler-hand-off.js';
import {
  awaitHandler,
  cancelHandOff,
  onceHeadersMayGo,
} from './handler-hand-off.js';
import { applyRetryAfter } from './retry-after.js';
import { releaseRoutingLeftovers } from './routing-leftovers.js';
import type { RouteResponse } from './route-response.js';
import { SseConnection } from './sse-connection.js';

const logger = new Logger('SseStreams');

/**
 * What `StreamRegistry.serve` takes: one response (with Fastify's reply,
 * which keeps `@Header()` and CORS headers until it sends and is hijacked
 * once the stream is handed off; and the framework's `request.ip`, counted
 * against `maxClientsPerAddress`, the socket's address without it), and
 * what to stream over it.
 */
export interface ServeOptions extends RouteResponse {
  /**
   * What the route streams: Nest's chain around the handler, which runs
   * the pipes and the handler.
   */
  readonly source: Observable<SseFrame | SseMessage>;
  /**
   * The handler's own Observable is taken from `@SseRoute()` as it returns
   * (`handlerReturned`), instead of through `source`: no interceptor runs
   * inside ours that would see its frames.
   */
  readonly handOver?: boolean;
}

/**
 * Nest's side of the request: told once the headers are out (the request
 * is then over for Nest) or the stream ended before, or given the error
 * the exception filters answer. The `Subscriber` of `serve()`, or the
 * promise a directly served handler returns.
 */
export interface NestAnswer {
  next(): void;
  complete(): void;
  error(err: unknown): void;
}

/** What a stream needs from the registry that serves it. */
export interface StreamOwner {
  readonly maxBufferedBytes: number;
  /** The keep-alive timer, whose tick the connection notes at each write. */
  readonly keepAlive: KeepAliveTimer;
  /** Called once, when the stream ended for whatever reason. */
  streamClosed(stream: ServedStream, dropped: boolean): void;
}

/**
 * One stream over one response, from the request to its end: waits for the
 * handler to return, commits the headers, hands the response off from
 * Nest's request pipeline, writes what the source emits, and tears down
 * once, whatever ends it. It observes the source without keeping it: the
 * source is the pipeline Nest built around the handler. Unsubscribing it
 * is Nest letting go of the request.
 */
export class ServedStream implements FrameSink, HandlerWaiter, Unsubscribable {
  private readonly request: IncomingMessage;
  private readonly response: ServerResponse;
  private readonly connection: SseConnection;
  private handOver: boolean;
  private framework: RouteResponse['framework'];
  /** Nest's side of the request; let go once answered, as it holds the whole interceptor chain. */
  private pipeline: NestAnswer | undefined;
  /** The headers are out and Nest was answered: the stream goes on by itself. */
  private handedOff = false;
  private ended = false;
  private commitTimer: NodeJS.Immediate | undefined;
  /** Nest's chain, when the handler's own Observable is taken from it. */
  private chain: Unsubscribable | undefined;
  /** Whatever the frames come from: the handler's Observable, or the chain. */
  private subscription: Unsubscribable | undefined;

  constructor(
    options: RouteResponse & { readonly handOver?: boolean },
    pipeline: NestAnswer,
    private readonly owner: StreamOwner,
    /** The client address whose slot this stream holds (`maxClientsPerAddress`), if counted. */
    readonly address?: string,
  ) {
    this.request = options.request;
    this.response = options.response;
    this.handOver = options.handOver === true;
    this.framework = options.framework;
    this.pipeline = pipeline;
    this.connection = new SseConnection(
      options.request,
      options.response,
      owner,
      (dropped) => this.closed(dropped),
      options.framework,
    );
  }

  /**
   * Subscribes to `source`; the teardown (this stream) is Nest letting go
   * of the request. Headers go out on the turn after the handler returned,
   * unless a frame comes first, so a stream that fails at once still
   * reaches the exception filters.
   */
  start(source: Observable<SseFrame | SseMessage>): TeardownLogic {
    awaitHandler(this.response, this);
    if (this.handOver) this.chain = source.subscribe(new ChainObserver(this));
    else this.subscription = source.subscribe(this);
    return this;
  }

  /**
   * Streams what a handler returned, for a handler that serves its route
   * itself (no interceptor chain around it): an Observable, or a value sent
   * as the one frame. Headers go out on the next turn (once the promise of
   * `holdHeadersUntil` settled, if the result carries one), unless a frame
   * comes first.
   */
  follow(result: unknown): void {
    this.handOver = true;
    if (isObservable(result)) this.takeResult(result);
    else this.subscription = of(result as SseMessage).subscribe(this);
    onceHeadersMayGo(result, this);
  }

  /** The handler's own Observable: connected straight to this stream when it can be. */
  takeResult(result: Observable<unknown>): boolean {
    if (!this.handOver || this.ended) return false;
    let subscription: Unsubscribable;
    if (isSinkSource(result)) {
      try {
        subscription = result[CONNECT_SINK](this);
      } catch (err) {
        this.error(err);
        return true;
      }
    } else {
      subscription = (result as Observable<SseFrame | SseMessage>).subscribe(
        this,
      );
    }
    // It may have ended the stream already (a source that completes at once).
    if (this.ended) subscription.unsubscribe();
    else this.subscription = subscription;
    return true;
  }

  handlerReturned(): void {
    // Most streams sent a frame already (and with it the headers).
    if (this.handedOff || this.ended) return;
    this.commitTimer = setImmediate(() => {
      this.commitTimer = undefined;
      this.connection.commit();
      this.handOff();
    });
  }

  next(item: SseFrame | SseMessage): void {
    this.connection.write(item);
    if (!this.handedOff && this.connection.headersCommitted) this.handOff();
  }

  error(err: unknown): void {
    if (!this.connection.headersCommitted) {
      // Still an HTTP answer: the exception filters write it, and the
      // response is theirs (no commit once the handler returned).
      applyRetryAfter(this.response, err);
      const pipeline = this.pipeline;
      this.pipeline = undefined;
      pipeline?.error(err);
      this.connection.release();
      return;
    }
    logger.warn(`SSE stream failed: ${String(err)}`);
    this.connection.end(
      SseFrame.from({
        type: STREAM_ERROR_EVENT,
        data: { message: 'stream failed' },
      }),
    );
  }

  /** A source that ended before any frame gets a 204: EventSource stops reconnecting. */
  complete(): void {
    this.connection.endEmpty();
  }

  /** The shared keep-alive comment, written only if the stream was silent for most of the interval. */
  keepAlive(frame: SseFrame): void {
    this.connection.keepAlive(frame);
  }

  /** Ends the response (after `last`, if given). */
  end(last?: SseFrame): void {
    this.connection.end(last);
  }

  /** Nest let go of the request: before the hand-off, that ends the stream. */
  unsubscribe(): void {
    if (this.handedOff) return;
    clearImmediate(this.commitTimer);
    cancelHandOff(this.response);
    this.stopSources();
    // Before the headers, the response still belongs to whoever handles
    // the error (the exception filters).
    if (this.connection.headersCommitted) this.connection.end();
    else this.connection.release();
  }

  /** Nest's chain completed: without a handler's Observable taken, the stream is empty. */
  chainCompleted(): void {
    this.chain = undefined;
    if (!this.subscription) this.complete();
  }

  /**
   * Once the headers are out, exception filters cannot answer any more:
   * completing Nest's pipeline frees what it holds per request, and the
   * connection keeps the stream.
   */
  private handOff(): void {
    if (this.handedOff) return;
    this.handedOff = true;
    this.answerNest();
    releaseRoutingLeftovers(this.request);
  }

  private answerNest(): void {
    const pipeline = this.pipeline;
    if (!pipeline) return;
    this.pipeline = undefined;
    // Fastify's reply is a thenable that Nest's route handler returns, so
    // the request pipeline would wait for the stream to end: once the
    // stream is handed off, the reply is Fastify's no more.
    const framework = this.framework;
    this.framework = undefined;
    if (typeof framework?.hijack === 'function') framework.hijack();
    pipeline.next();
    pipeline.complete();
  }

  private stopSources(): void {
    this.subscription?.unsubscribe();
    this.chain?.unsubscribe();
  }

  private closed(dropped: boolean): void {
    this.ended = true;
    this.owner.streamClosed(this, dropped);
    this.stopSources();
    this.answerNest();
  }
}

/**
 * Observes Nest's chain around a handler whose own Observable the stream
 * takes: the chain runs the pipes and the handler, fails if they do, and
 * carries what a handler returns that is not an Observable.
 */
class ChainObserver implements Observer<SseFrame | SseMessage> {
  constructor(private readonly stream: ServedStream) {}

  next(item: SseFrame | SseMessage): void {
    this.stream.next(item);
  }

  error(err: unknown): void {
    this.stream.error(err);
  }

  complete(): void {
    this.stream.chainCompleted();
  }
}

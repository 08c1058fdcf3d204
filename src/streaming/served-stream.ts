import { Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  Observable,
  Observer,
  Subscriber,
  Subscription,
  TeardownLogic,
} from 'rxjs';
import { SseFrame } from '../framing/sse-frame.js';
import type { SseMessage } from '../framing/sse-message.js';
import { STREAM_ERROR_EVENT } from '../sse.constants.js';
import { cancelHandOff, onHandlerReturned } from './handler-hand-off.js';
import { applyRetryAfter } from './retry-after.js';
import { releaseRoutingLeftovers } from './routing-leftovers.js';
import { SseConnection } from './sse-connection.js';

const logger = new Logger('SseStreams');

/** What `StreamRegistry.serve` takes: one response, and what to stream over it. */
export interface ServeOptions {
  /** What the route's handler streams. */
  readonly source: Observable<SseFrame | SseMessage>;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /**
   * Headers the framework holds outside the raw response (Fastify's reply
   * keeps `@Header()` and CORS headers until it sends): applied at commit.
   */
  readonly frameworkHeaders?: () => Record<string, unknown> | undefined;
  /**
   * The framework's `request.ip`, counted against `maxClientsPerAddress`;
   * the socket's address is used without it.
   */
  readonly clientAddress?: string;
}

/** What a stream needs from the registry that serves it. */
export interface StreamOwner {
  readonly maxBufferedBytes: number;
  /** Called once, when the stream ended for whatever reason. */
  streamClosed(stream: ServedStream, dropped: boolean): void;
}

/**
 * One stream over one response, from the request to its end: waits for the
 * handler to return, commits the headers, hands the response off from
 * Nest's request pipeline, writes what the source emits, and tears down
 * once, whatever ends it. It observes the source without keeping it: the
 * source is the pipeline Nest built around the handler.
 */
export class ServedStream implements Observer<SseFrame | SseMessage> {
  private readonly request: IncomingMessage;
  private readonly response: ServerResponse;
  private readonly connection: SseConnection;
  /** Nest's side of the request; let go once answered, as it holds the whole interceptor chain. */
  private pipeline: Subscriber<void> | undefined;
  /** The headers are out and Nest was answered: the stream goes on by itself. */
  private handedOff = false;
  private commitTimer: NodeJS.Immediate | undefined;
  private subscription: Subscription | undefined;

  constructor(
    { request, response, frameworkHeaders }: ServeOptions,
    pipeline: Subscriber<void>,
    private readonly owner: StreamOwner,
    /** The client address whose slot this stream holds (`maxClientsPerAddress`), if counted. */
    readonly address?: string,
  ) {
    this.request = request;
    this.response = response;
    this.pipeline = pipeline;
    this.connection = new SseConnection(
      request,
      response,
      owner.maxBufferedBytes,
      (dropped) => this.closed(dropped),
      frameworkHeaders,
    );
  }

  /**
   * Subscribes to `source`; the teardown is Nest letting go of the request.
   * Headers go out on the turn after the handler returned, unless a frame
   * comes first, so a stream that fails at once still reaches the
   * exception filters.
   */
  start(source: Observable<SseFrame | SseMessage>): TeardownLogic {
    onHandlerReturned(this.response, () => this.scheduleCommit());
    this.subscription = source.subscribe(this);
    return () => this.detach();
  }

  next(item: SseFrame | SseMessage): void {
    this.connection.write(item);
    if (!this.handedOff && this.connection.headersCommitted) this.handOff();
  }

  error(err: unknown): void {
    if (!this.connection.headersCommitted) {
      // Still an HTTP answer: the exception filters write it.
      applyRetryAfter(this.response, err);
      const pipeline = this.pipeline;
      this.pipeline = undefined;
      pipeline?.error(err);
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

  /** The shared keep-alive comment, written only if the stream was silent since the last one. */
  keepAlive(frame: SseFrame): void {
    this.connection.keepAlive(frame);
  }

  /** Ends the response (after `last`, if given). */
  end(last?: SseFrame): void {
    this.connection.end(last);
  }

  private scheduleCommit(): void {
    // Most streams sent a frame already (and with it the headers).
    if (this.handedOff) return;
    this.commitTimer = setImmediate(() => {
      this.commitTimer = undefined;
      this.connection.commit();
      this.handOff();
    });
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
    this.pipeline = undefined;
    pipeline?.next();
    pipeline?.complete();
  }

  /** Nest let go of the request: before the hand-off, that ends the stream. */
  private detach(): void {
    if (this.handedOff) return;
    clearImmediate(this.commitTimer);
    cancelHandOff(this.response);
    this.subscription?.unsubscribe();
    // Before the headers, the response still belongs to whoever handles
    // the error (the exception filters).
    if (this.connection.headersCommitted) this.connection.end();
    else this.connection.release();
  }

  private closed(dropped: boolean): void {
    this.owner.streamClosed(this, dropped);
    this.subscription?.unsubscribe();
    this.answerNest();
  }
}

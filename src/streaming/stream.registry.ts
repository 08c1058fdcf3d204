import type { OnModuleDestroy } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import type { Subscriber, TeardownLogic } from 'rxjs';
import { Observable } from 'rxjs';
import { TooManyClientsFromAddressException } from '../errors/too-many-clients-from-address.exception.js';
import { TooManyClientsException } from '../errors/too-many-clients.exception.js';
import { KeepAliveTimer } from '../framing/keep-alive-timer.js';
import { shutdownRetryFrame } from '../framing/shutdown-retry.js';
import { ResolvedSseOptions } from '../resolved-sse-options.js';
import { ClientAddressLimit } from './client-address-limit.js';
import { applyRetryAfter } from './retry-after.js';
import type { RouteResponse } from './route-response.js';
import type { NestAnswer, ServeOptions, StreamOwner } from './served-stream.js';
import { ServedStream } from './served-stream.js';
import type { SseStreamStats } from './sse-streams.js';
import { SseStreams } from './sse-streams.js';

/**
 * Every stream this process serves: admits it against `maxClients` and
 * `maxClientsPerAddress`, counts it, sends the shared keep-alive, and ends
 * them all at shutdown. Each stream's own life is a `ServedStream`.
 * Internal; users read the counts through `SseStreams`.
 */
@Injectable()
export class StreamRegistry
  extends SseStreams
  implements StreamOwner, OnModuleDestroy
{
  private readonly logger = new Logger(SseStreams.name);
  private readonly streams = new Set<ServedStream>();
  /**
   * Every stream it serves gets the comment once silent for most of the
   * interval: the connection sees every write, including a broadcast
   * stream's own keep-alive when it flows through operators.
   */
  readonly keepAlive: KeepAliveTimer;
  private readonly addresses: ClientAddressLimit;
  private opened = 0;
  private dropped = 0;
  private shuttingDown = false;
  readonly maxBufferedBytes: number;
  /** Whether streams are counted per client address (`maxClientsPerAddress`). */
  readonly perAddress: boolean;

  constructor(private readonly options: ResolvedSseOptions) {
    super();
    this.maxBufferedBytes = options.maxBufferedBytes;
    this.perAddress = Number.isFinite(options.maxClientsPerAddress);
    this.addresses = new ClientAddressLimit(options.maxClientsPerAddress);
    this.keepAlive = new KeepAliveTimer(options.keepAliveSeconds, (frame) => {
      for (const stream of this.streams) stream.keepAlive(frame);
    });
  }

  get stats(): SseStreamStats {
    return {
      open: this.streams.size,
      opened: this.opened,
      dropped: this.dropped,
    };
  }

  /**
   * Streams `source` over the response. The returned Observable is Nest's
   * side of the request: it emits once, when the headers are sent (the
   * stream then goes on by itself, until `source` ends, the client leaves
   * or shutdown) or the stream ended before that; it errors, for the
   * exception filters, when the stream is refused (503, 429) or `source`
   * fails before any byte was sent, so a guard-like check in the handler's
   * stream can still answer with a 4xx.
   */
  serve(options: ServeOptions): Observable<void> {
    return new Observable<void>((pipeline) => this.open(options, pipeline));
  }

  /**
   * Streams what a route handler returned, for a handler that serves its
   * route itself (no interceptor applies to it, see `SseModule`): the
   * Observable, or a value sent as its one frame. Resolves once the headers
   * are out or the stream ended before; rejects, for the exception filters,
   * as `serve` errors.
   */
  serveResult(route: RouteResponse, result: unknown): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const answer = { next: resolve, complete: resolve, error: reject };
      this.admit(route, answer)?.follow(result);
    });
  }

  /**
   * One subscription of `serve`. A method of its own, so that the stream
   * does not keep `options.source` (Nest's pipeline around the handler).
   */
  private open(
    options: ServeOptions,
    pipeline: Subscriber<void>,
  ): TeardownLogic {
    return this.admit(options, pipeline)?.start(options.source);
  }

  /**
   * A stream over `route`, counted; none when it is refused (answered
   * through `pipeline`) or the app is shutting down (ended at once).
   */
  private admit(
    route: RouteResponse & { readonly handOver?: boolean },
    pipeline: NestAnswer,
  ): ServedStream | undefined {
    if (this.streams.size >= this.options.maxClients) {
      return this.refuse(
        route,
        pipeline,
        new TooManyClientsException(
          this.options.maxClients,
          this.options.retryAfterSeconds,
        ),
      );
    }
    // Without a per-address cap there is nothing to count.
    const address = this.perAddress
      ? (route.clientAddress ??
        route.request.socket?.remoteAddress ??
        'unknown')
      : undefined;
    if (address !== undefined && !this.addresses.acquire(address)) {
      return this.refuse(
        route,
        pipeline,
        new TooManyClientsFromAddressException(
          this.options.maxClientsPerAddress,
          this.options.retryAfterSeconds,
        ),
      );
    }
    const stream = new ServedStream(route, pipeline, this, address);
    if (this.shuttingDown) {
      stream.end();
      return undefined;
    }
    this.streams.add(stream);
    this.opened++;
    this.keepAlive.start();
    return stream;
  }

  /** Answers with `refusal` through the exception filters, `Retry-After` included. */
  private refuse(
    { response }: RouteResponse,
    pipeline: NestAnswer,
    refusal: TooManyClientsException | TooManyClientsFromAddressException,
  ): undefined {
    applyRetryAfter(response, refusal);
    pipeline.error(refusal);
    return undefined;
  }

  streamClosed(stream: ServedStream, dropped: boolean): void {
    this.streams.delete(stream);
    if (stream.address !== undefined) this.addresses.release(stream.address);
    if (dropped) {
      this.dropped++;
      this.logger.warn('Dropped an SSE client that stopped reading');
    }
    if (this.streams.size === 0) this.keepAlive.stop();
  }

  onModuleDestroy(): void {
    this.shuttingDown = true;
    this.keepAlive.stop();
    // Broadcast streams already got theirs from BroadcastService; end() of a
    // closed stream does nothing.
    const { retryMs, shutdownRetrySpreadMs } = this.options;
    for (const stream of [...this.streams]) {
      stream.end(shutdownRetryFrame(retryMs, shutdownRetrySpreadMs));
    }
  }
}

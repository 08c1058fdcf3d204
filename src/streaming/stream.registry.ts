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
import type { ServeOptions, StreamOwner } from './served-stream.js';
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

  constructor(private readonly options: ResolvedSseOptions) {
    super();
    this.maxBufferedBytes = options.maxBufferedBytes;
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
   * One subscription of `serve`. A method of its own, so that the stream
   * does not keep `options.source` (Nest's pipeline around the handler).
   */
  private open(
    options: ServeOptions,
    pipeline: Subscriber<void>,
  ): TeardownLogic {
    if (this.streams.size >= this.options.maxClients) {
      return this.refuse(
        options,
        pipeline,
        new TooManyClientsException(
          this.options.maxClients,
          this.options.retryAfterSeconds,
        ),
      );
    }
    // Without a per-address cap there is nothing to count.
    const address = Number.isFinite(this.addresses.maxPerAddress)
      ? (options.clientAddress ??
        options.request.socket?.remoteAddress ??
        'unknown')
      : undefined;
    if (address !== undefined && !this.addresses.acquire(address)) {
      return this.refuse(
        options,
        pipeline,
        new TooManyClientsFromAddressException(
          this.options.maxClientsPerAddress,
          this.options.retryAfterSeconds,
        ),
      );
    }
    const stream = new ServedStream(options, pipeline, this, address);
    if (this.shuttingDown) {
      stream.end();
      return;
    }
    this.streams.add(stream);
    this.opened++;
    this.keepAlive.start();
    return stream.start(options.source);
  }

  /** Answers with `refusal` through the exception filters, `Retry-After` included. */
  private refuse(
    { response }: ServeOptions,
    pipeline: Subscriber<void>,
    refusal: TooManyClientsException | TooManyClientsFromAddressException,
  ): TeardownLogic {
    applyRetryAfter(response, refusal);
    pipeline.error(refusal);
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

import type { OnModuleDestroy } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable, Subscriber, Subscription, TeardownLogic } from 'rxjs';
import { Observable as RxObservable } from 'rxjs';
import { ClientAddressLimit } from './client-address-limit.js';
import { TooManyClientsFromAddressError } from './errors/too-many-clients-from-address.error.js';
import { KeepAliveTimer } from './keep-alive-timer.js';
import { ResolvedSseOptions } from './resolved-sse-options.js';
import { applyRetryAfter } from './retry-after.js';
import { releaseRoutingLeftovers } from './routing-leftovers.js';
import { shutdownRetryFrame } from './shutdown-retry.js';
import { SseConnection } from './sse-connection.js';
import { SseFrame } from './sse-frame.js';
import type { SseMessage } from './sse-message.js';
import { STREAM_ERROR_EVENT } from './sse.constants.js';
import { onHandlerReturned } from './sse-handler-signal.js';

/** Counters of the streams served through `@SseRoute()`. */
export interface SseConnectionStats {
  /** Streams open now. */
  open: number;
  /** Streams opened since start. */
  opened: number;
  /** Clients cut because they left more than `maxBufferedBytes` unread. */
  dropped: number;
}

/**
 * Every open `@SseRoute()` stream of this process: serves an Observable over
 * a response, sends the shared keep-alive, and ends all streams at shutdown.
 */
@Injectable()
export class SseConnectionRegistry implements OnModuleDestroy {
  private readonly logger = new Logger('SseConnections');
  private readonly connections = new Set<SseConnection>();
  /** Broadcast streams carry their own keep-alive; this covers the others. */
  private readonly keepAlive: KeepAliveTimer;
  private opened = 0;
  private dropped = 0;
  private shuttingDown = false;
  private readonly addresses: ClientAddressLimit;

  constructor(private readonly options: ResolvedSseOptions) {
    this.addresses = new ClientAddressLimit(options.maxClientsPerIp);
    this.keepAlive = new KeepAliveTimer(options.keepAliveSeconds, (frame) => {
      for (const connection of this.connections) connection.keepAlive(frame);
    });
  }

  get stats(): SseConnectionStats {
    return {
      open: this.connections.size,
      opened: this.opened,
      dropped: this.dropped,
    };
  }

  /**
   * Streams `source` to the client. The returned Observable emits once, when
   * the headers are sent (the stream then goes on by itself; it ends with
   * `source`, the client's disconnect or shutdown) or the stream ended
   * before that; it errors (for the exception filters) if `source`
   * fails before any byte was sent, so a guard-like check in the handler's
   * stream can still answer with a 4xx. `clientAddress` (the framework's
   * `request.ip`) counts against `maxClientsPerIp`; the socket's address is
   * used without it.
   */
  serve(
    source: Observable<SseFrame | SseMessage>,
    request: IncomingMessage,
    response: ServerResponse,
    frameworkHeaders?: () => Record<string, unknown> | undefined,
    clientAddress?: string,
  ): Observable<void> {
    return new RxObservable<void>((outer) =>
      this.open(
        outer,
        source,
        request,
        response,
        frameworkHeaders,
        clientAddress,
      ),
    );
  }

  /**
   * One subscription of `serve`: a method of its own, so that what the
   * stream keeps (its callbacks) does not hold on to `source`, the request
   * pipeline Nest built around the handler.
   */
  private open(
    outer: Subscriber<void>,
    source: Observable<SseFrame | SseMessage>,
    request: IncomingMessage,
    response: ServerResponse,
    frameworkHeaders: (() => Record<string, unknown> | undefined) | undefined,
    clientAddress: string | undefined,
  ): TeardownLogic {
    // Without a per-address cap there is nothing to count.
    const address = Number.isFinite(this.addresses.maxPerAddress)
      ? (clientAddress ?? request.socket?.remoteAddress ?? 'unknown')
      : undefined;
    if (address !== undefined && !this.addresses.acquire(address)) {
      const refusal = new TooManyClientsFromAddressError(
        this.options.maxClientsPerIp,
        this.options.retryAfterSeconds,
      );
      applyRetryAfter(response, refusal);
      outer.error(refusal);
      return;
    }
    // eslint-disable-next-line prefer-const -- read by the close callback above its assignment
    let inner: Subscription | undefined;
    // Nest's side of the request; let go once answered, as it holds the
    // whole interceptor chain.
    let pipeline: Subscriber<void> | undefined = outer;
    const done = () => {
      const answered = pipeline;
      pipeline = undefined;
      answered?.next();
      answered?.complete();
    };
    // Once the headers are out, the stream no longer needs Nest's request
    // pipeline (exception filters cannot answer any more): completing it
    // frees what it holds per request; the connection keeps the stream.
    let handedOff = false;
    const handOff = () => {
      if (handedOff) return;
      handedOff = true;
      done();
      releaseRoutingLeftovers(request);
    };
    const connection = new SseConnection(
      request,
      response,
      this.options.maxBufferedBytes,
      (closed, dropped) => {
        this.connections.delete(closed);
        if (address !== undefined) this.addresses.release(address);
        if (dropped) {
          this.dropped++;
          this.logger.warn('Dropped an SSE client that stopped reading');
        }
        if (this.connections.size === 0) this.keepAlive.stop();
        inner?.unsubscribe();
        done();
      },
      frameworkHeaders,
    );
    if (this.shuttingDown) {
      connection.end();
      return;
    }
    // Headers go out on the turn after the handler returned, unless a frame
    // comes first, so a stream that fails at once still reaches the
    // exception filters.
    let commit: NodeJS.Immediate | undefined;
    onHandlerReturned(response, () => {
      // Most streams sent a frame already (and with it the headers).
      if (handedOff) return;
      commit = setImmediate(() => {
        commit = undefined;
        connection.commit();
        handOff();
      });
    });
    this.connections.add(connection);
    this.opened++;
    this.keepAlive.start();
    inner = source.subscribe({
      next: (item) => {
        connection.write(item);
        if (!handedOff && connection.headersCommitted) handOff();
      },
      error: (err: unknown) => {
        if (!connection.headersCommitted) {
          applyRetryAfter(response, err);
          pipeline?.error(err);
          return;
        }
        this.logger.warn(`SSE stream failed: ${String(err)}`);
        connection.end(
          SseFrame.from({
            type: STREAM_ERROR_EVENT,
            data: { message: 'stream failed' },
          }),
        );
      },
      complete: () => connection.endEmpty(),
    });
    return () => {
      if (handedOff) return;
      clearImmediate(commit);
      inner?.unsubscribe();
      // Before the headers, the response still belongs to whoever handles
      // the error (the exception filters).
      if (connection.headersCommitted) connection.end();
      else connection.release();
    };
  }

  onModuleDestroy(): void {
    this.shuttingDown = true;
    this.keepAlive.stop();
    // Broadcast streams already got theirs from BroadcastService; end() of a
    // closed connection does nothing.
    const { retryMs, shutdownRetrySpreadMs } = this.options;
    for (const connection of [...this.connections]) {
      connection.end(shutdownRetryFrame(retryMs, shutdownRetrySpreadMs));
    }
  }
}

import type {
  BeforeApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import type { Observable, Subscription } from 'rxjs';
import { Subject } from 'rxjs';
import { randomUUID } from 'node:crypto';
import { ErrorMessages } from '../errors/error-messages.js';
import { SseFrame, checkField, serializeData } from '../framing/sse-frame.js';
import { isoTimeNow } from '../framing/iso-time.js';
import { KeepAliveTimer } from '../framing/keep-alive-timer.js';
import { shutdownRetryFrame } from '../framing/shutdown-retry.js';
import { InvalidSseFieldException } from '../errors/invalid-sse-field.exception.js';
import { ResolvedSseOptions } from '../resolved-sse-options.js';
import {
  CONNECTED_EVENT,
  DEFAULT_EVENT_NAME,
  HISTORY_GAP_EVENT,
  MAX_EVENT_ID_LENGTH,
} from '../sse.constants.js';
import { holdHeadersUntil } from '../streaming/handler-hand-off.js';
import type {
  ReplayResult,
  StoredEvent,
} from '../transports/transport-event.js';
import { SseTransport } from '../transports/sse.transport.js';
import type { ClientTracker } from './broadcast-client.js';
import { BroadcastClient } from './broadcast-client.js';
import type { ClientOpener } from './broadcast-stream.js';
import { BroadcastStream } from './broadcast-stream.js';
import type { BroadcastMessage } from './broadcast-message.js';
import type { BroadcastStats } from './broadcast-stats.js';
import type {
  ClientChange,
  ConnectedClients,
  StreamOptions,
} from './broadcast-stream.types.js';
import { checkChannelName } from './channel-name.js';
import { authorizeStream } from './stream-authorizer.js';

/** A publisher's id: a valid field, and no longer than `MAX_EVENT_ID_LENGTH`. */
function checkEventId(id: string): string {
  checkField('id', id);
  if (id.length > MAX_EVENT_ID_LENGTH) {
    throw new InvalidSseFieldException(
      'id',
      ErrorMessages.idTooLong(MAX_EVENT_ID_LENGTH),
    );
  }
  return id;
}

/** The channels of a stream that subscribed to none. */
const NO_CHANNELS: readonly string[] = Object.freeze([]);

/** A client's id as the library echoes it: at most `MAX_EVENT_ID_LENGTH` characters. */
const shorten = (id: string) =>
  id.length > MAX_EVENT_ID_LENGTH ? `${id.slice(0, MAX_EVENT_ID_LENGTH)}…` : id;

/**
 * Publishes events to every connected client (or a channel's subscribers),
 * and hands controllers the stream each client reads.
 */
@Injectable()
export class BroadcastService
  implements OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(BroadcastService.name);
  private readonly clients = new Set<BroadcastClient>();
  private readonly byChannel = new Map<string, Set<BroadcastClient>>();
  private readonly changes = new Subject<ClientChange>();
  private readonly subscription: Subscription;
  /**
   * One timer for the broadcast streams that are silent: the same comment
   * frame to each, part of the stream itself so it also flows under Nest's
   * own `@Sse()`. Streams connected straight to a served connection
   * (`@SseRoute()`, adopted `@Sse()` routes) get it from the connection.
   */
  private readonly keepAlive: KeepAliveTimer;
  /** What every client shares of this service. */
  private readonly tracker: ClientTracker;
  private published = 0;
  private delivered = 0;
  private replayed = 0;

  /** Every connect and disconnect of a broadcast stream. */
  readonly clientChanges$ = this.changes.asObservable();

  constructor(
    private readonly transport: SseTransport,
    private readonly options: ResolvedSseOptions,
  ) {
    this.keepAlive = new KeepAliveTimer(options.keepAliveSeconds, (frame) => {
      for (const client of this.clients) client.keepAlive(frame);
    });
    this.tracker = {
      keepAlive: this.keepAlive,
      release: (client) => this.remove(client),
    };
    this.subscription = transport.events$.subscribe((event) =>
      this.deliver(event),
    );
  }

  /**
   * Sends one event to every client, or to one channel's subscribers. It is
   * validated and encoded once; resolves with its id after fan-out. Throws
   * `InvalidSseFieldException` (nothing sent) for a value that would break the
   * framing.
   */
  async publish(message: BroadcastMessage): Promise<string> {
    const event = checkField('event', message.event ?? DEFAULT_EVENT_NAME);
    const data = serializeData(message.data);
    const channel =
      message.channel === undefined
        ? undefined
        : checkChannelName(message.channel);
    const id = message.id === undefined ? undefined : checkEventId(message.id);
    const stored = await this.transport.publish({ event, data, channel, id });
    this.published++;
    return stored.id;
  }

  /**
   * The stream of one client, to return from an `@SseRoute()` (or `@Sse()`)
   * handler: a `connected` event, the replay after `lastEventId`, then every
   * broadcast for it. Throws whatever the `authorize` option decides (403
   * by default) before any frame. `@SseRoute()` applies `maxClients`.
   */
  stream(options: StreamOptions = {}): Observable<SseFrame> {
    const channels = options.channels?.length
      ? [...new Set(options.channels)]
      : NO_CHANNELS;
    const max = this.options.maxChannelsPerStream;
    if (channels.length > max) {
      throw new BadRequestException(
        ErrorMessages.tooManyChannels(max, channels.length),
      );
    }
    for (const channel of channels) checkChannelName(channel);
    const verdict = authorizeStream(
      this.options.authorize,
      options.request,
      channels,
    );
    const stream = new BroadcastStream(
      this.openClient,
      channels,
      options.lastEventId,
      verdict,
    );
    return verdict ? holdHeadersUntil(stream, verdict) : stream;
  }

  /** Counters for logs and metrics. */
  get stats(): BroadcastStats {
    return {
      connected: this.clients.size,
      published: this.published,
      delivered: this.delivered,
      replayed: this.replayed,
    };
  }

  /**
   * Opens one client of a `BroadcastStream`: the `connected` event, then
   * the replay after `lastEventId`, then live events.
   */
  private readonly openClient: ClientOpener = (
    channels,
    lastEventId,
    sink,
    keptAliveBySink,
  ) => {
    // Taken as the client joins the live feed: nothing after it is missed.
    const head = this.transport.head();
    // Longer than any id the transport issues: not one of ours.
    const foreign =
      lastEventId !== undefined && lastEventId.length > MAX_EVENT_ID_LENGTH;
    const client = new BroadcastClient(
      randomUUID(),
      channels,
      sink,
      lastEventId === undefined || foreign ? head : lastEventId,
      this.tracker,
      keptAliveBySink,
    );
    this.add(client);
    client.send(
      SseFrame.from({
        type: CONNECTED_EVENT,
        id: client.lastId,
        // JSON text as JSON.stringify writes it: the two values need no escapes.
        data: `{"clientId":"${client.id}","serverTime":"${isoTimeNow()}"}`,
        retry: this.options.retryMs,
      }),
    );
    if (foreign) {
      this.sendGap(client, lastEventId, { events: [], gap: 'unknown' });
    } else if (lastEventId !== undefined) {
      this.replay(client, lastEventId, head);
    }
    return client;
  };

  /** Open broadcast streams of this process, in all and per channel. */
  get connectedClients(): ConnectedClients {
    const channels: Record<string, number> = {};
    for (const [name, members] of this.byChannel) channels[name] = members.size;
    return { total: this.clients.size, channels };
  }

  /**
   * Ends every open stream with a `retry:` spread over
   * `shutdownRetrySpreadMs` (clients reconnect elsewhere, not all at once)
   * and stops listening.
   */
  onModuleDestroy(): void {
    this.subscription.unsubscribe();
    this.keepAlive.stop();
    const { retryMs, shutdownRetrySpreadMs } = this.options;
    for (const client of [...this.clients]) {
      client.send(
        shutdownRetryFrame(retryMs, shutdownRetrySpreadMs, client.lastId),
      );
      client.complete();
    }
    this.changes.complete();
  }

  /**
   * Lets the responses ended in `onModuleDestroy` finish before the HTTP
   * server closes, so it finds their connections idle and closes them at
   * once instead of waiting for their keep-alive timeout.
   */
  beforeApplicationShutdown(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 20));
  }

  private deliver(event: StoredEvent): void {
    const recipients =
      event.channel === undefined
        ? this.clients
        : this.byChannel.get(event.channel);
    if (!recipients) return;
    this.delivered += recipients.size;
    for (const client of recipients) client.deliver(event);
  }

  private replay(
    client: BroadcastClient,
    lastEventId: string,
    head: string,
  ): void {
    client.beginReplay();
    this.transport.replay(lastEventId, client.channels).then(
      (result) => {
        if (!this.clients.has(client)) return;
        // An id the transport never issued is no position: the client's
        // becomes the head it joined at (no event reached it meanwhile).
        if (result.gap === 'unknown') client.lastId = head;
        this.sendGap(client, lastEventId, result);
        this.replayed += result.events.length;
        client.endReplay(result.events);
      },
      (err: unknown) => {
        this.logger.warn(
          `Replay after ${shorten(lastEventId)} failed: ${String(err)}`,
        );
        client.fail(err);
      },
    );
  }

  /** The `history-gap` notice, when replay could not cover everything. */
  private sendGap(
    client: BroadcastClient,
    lastEventId: string,
    { events, gap }: ReplayResult,
  ): void {
    if (!gap) return;
    client.send(
      SseFrame.from({
        type: HISTORY_GAP_EVENT,
        id: client.lastId,
        data: {
          lastEventId: shorten(lastEventId),
          reason: gap,
          replayed: events.length,
        },
      }),
    );
  }

  private add(client: BroadcastClient): void {
    this.clients.add(client);
    this.keepAlive.start();
    for (const channel of client.channels) {
      let members = this.byChannel.get(channel);
      if (!members) this.byChannel.set(channel, (members = new Set()));
      members.add(client);
    }
    this.debug(
      () =>
        `Client ${client.id} connected (channels: ${client.channels.join(', ') || 'none'}; ${this.clients.size} open)`,
    );
    if (this.changes.observed) {
      this.changes.next({
        type: 'connect',
        clientId: client.id,
        channels: client.channels,
      });
    }
  }

  /** A debug line, built only when debug logging is on (it runs per connect). */
  private debug(message: () => string): void {
    // Without a logger (`logger: false`), Nest's loggers print nothing.
    const nestLogger = (Logger as unknown as { staticInstanceRef?: unknown })
      .staticInstanceRef;
    if (nestLogger === undefined) return;
    // Nest 11's isLevelEnabled() answers false for every level until levels
    // are set, though its loggers then print them all; with levels set,
    // 'fatal' is always enabled. Nest 12 answers as the logger prints.
    const enabled =
      Logger.isLevelEnabled('debug') || !Logger.isLevelEnabled('fatal');
    if (enabled) this.logger.debug(message());
  }

  private remove(client: BroadcastClient): void {
    if (!this.clients.delete(client)) return;
    if (this.clients.size === 0) this.keepAlive.stop();
    for (const channel of client.channels) {
      const members = this.byChannel.get(channel);
      members?.delete(client);
      if (members?.size === 0) this.byChannel.delete(channel);
    }
    this.debug(
      () => `Client ${client.id} disconnected (${this.clients.size} open)`,
    );
    if (this.changes.observed) {
      this.changes.next({
        type: 'disconnect',
        clientId: client.id,
        channels: client.channels,
      });
    }
  }
}

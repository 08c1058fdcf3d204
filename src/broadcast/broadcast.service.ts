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
import { checkAddress, checkChannelName } from './channel-name.js';
import { ClientIndex } from './client-index.js';
import { authorizeStream } from './stream-authorizer.js';
import { identifyStream } from './stream-identity.js';
import type { LocalPresence } from '../presence/presence.types.js';
import type { PresenceSnapshot } from '../presence/presence.types.js';
import { isAddressedTo } from '../transports/event-audience.js';

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

/** An optional addressing field of `publish()`, checked when present. */
const optionalAddress = (
  field: 'channel' | 'user' | 'exceptUser' | 'exceptClient',
  value: string | undefined,
) => (value === undefined ? undefined : checkAddress(field, value));

/** What `clientChanges$` reports of a client (a user only when it has one). */
const changeOf = (
  type: ClientChange['type'],
  { id, channels, user }: BroadcastClient,
): ClientChange =>
  user === undefined
    ? { type, clientId: id, channels }
    : { type, clientId: id, channels, user };

/** The channels of a stream that subscribed to none. */
const NO_CHANNELS: readonly string[] = Object.freeze([]);

/** A client's id as the library echoes it: at most `MAX_EVENT_ID_LENGTH` characters. */
const shorten = (id: string) =>
  id.length > MAX_EVENT_ID_LENGTH ? `${id.slice(0, MAX_EVENT_ID_LENGTH)}…` : id;

/**
 * Publishes events to every connected client (or a channel's subscribers,
 * or one user's streams), and hands controllers the stream each client reads.
 */
@Injectable()
export class BroadcastService
  implements OnModuleDestroy, BeforeApplicationShutdown, LocalPresence
{
  private readonly logger = new Logger(BroadcastService.name);
  private readonly clients = new ClientIndex();
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
  private publishedCount = 0;
  private delivered = 0;
  private replayed = 0;

  /** Every connect and disconnect of a broadcast stream. */
  readonly clientChanges$ = this.changes.asObservable();

  constructor(
    private readonly transport: SseTransport,
    private readonly options: ResolvedSseOptions,
  ) {
    this.keepAlive = new KeepAliveTimer(options.keepAliveSeconds, (frame) => {
      for (const client of this.clients.all) client.keepAlive(frame);
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
   * Sends one event to every client, to one channel's subscribers, or to one
   * user's streams on every instance (`user`), optionally leaving out a
   * user's streams (`exceptUser`) or one stream (`exceptClient`, the
   * `clientId` of its `connected` event). It is validated and encoded once;
   * resolves with its id after fan-out. Throws `InvalidSseFieldException`
   * (400, nothing sent) for a value that would break the framing or an
   * addressing field that breaks the channel-name rule.
   */
  async publish(message: BroadcastMessage): Promise<string> {
    const event = checkField('event', message.event ?? DEFAULT_EVENT_NAME);
    const data = serializeData(message.data);
    const channel = optionalAddress('channel', message.channel);
    const user = optionalAddress('user', message.user);
    const exceptUser = optionalAddress('exceptUser', message.exceptUser);
    const exceptClient = optionalAddress('exceptClient', message.exceptClient);
    if (user !== undefined && exceptUser !== undefined) {
      throw new InvalidSseFieldException(
        'exceptUser',
        ErrorMessages.addressConflict,
      );
    }
    const id = message.id === undefined ? undefined : checkEventId(message.id);
    const stored = await this.transport.publish({
      event,
      data,
      channel,
      user,
      exceptUser,
      exceptClient,
      id,
    });
    this.publishedCount++;
    return stored.id;
  }

  /**
   * The stream of one client, to return from an `@SseRoute()` (or `@Sse()`)
   * handler: a `connected` event, the replay after `lastEventId`, then every
   * broadcast for it. Throws whatever the `authorize` option decides (403
   * by default) before any frame; the `identify` option says whose stream it
   * is. `@SseRoute()` applies `maxClients`.
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
    const identity = identifyStream(this.options.identify, options.request);
    if (!verdict && !(identity instanceof Promise)) {
      return new BroadcastStream(
        this.openClient,
        channels,
        options.lastEventId,
        identity,
        undefined,
      );
    }
    // Both settle before any byte: a refusal or a bad identity is still an
    // HTTP error, and the stream opens knowing whose it is.
    const settled = Promise.all([verdict, identity]).then(([, user]) => {
      stream.user = user;
    });
    const stream = new BroadcastStream(
      this.openClient,
      channels,
      options.lastEventId,
      undefined,
      settled,
    );
    return holdHeadersUntil(stream, settled);
  }

  /** Counters for logs and metrics. */
  get stats(): BroadcastStats {
    return {
      connected: this.clients.size,
      published: this.publishedCount,
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
    user,
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
      user,
      sink,
      lastEventId === undefined || foreign ? head : lastEventId,
      this.tracker,
      keptAliveBySink,
    );
    // Encoded before the client counts: a Last-Event-ID that cannot be an
    // SSE id throws here (a 400), leaving nothing behind.
    const connected = SseFrame.from({
      type: CONNECTED_EVENT,
      id: client.lastId,
      // JSON text as JSON.stringify writes it: the two values need no escapes.
      data: `{"clientId":"${client.id}","serverTime":"${isoTimeNow()}"}`,
      retry: this.options.retryMs,
    });
    this.add(client);
    client.send(connected);
    if (foreign) {
      this.sendGap(client, lastEventId, { events: [], gap: 'unknown' });
    } else if (lastEventId !== undefined) {
      this.replay(client, lastEventId, head);
    }
    return client;
  };

  /** Open broadcast streams of this process, in all and per channel. */
  get connectedClients(): ConnectedClients {
    return this.clients.connectedClients;
  }

  /**
   * This process's streams in all, per channel and per user (what
   * `SsePresence` shares with the other instances); cluster-wide counts are
   * `SsePresence.counts()`.
   */
  presenceSnapshot(): PresenceSnapshot {
    return this.clients.snapshot();
  }

  /** Open streams of `user` in this process; every instance's: `SsePresence.streamsOf()`. */
  localStreamsOf(user: string): number {
    return this.clients.streamsOf(user);
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
    for (const client of [...this.clients.all]) {
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
    this.delivered += this.clients.forEachRecipient(event, (client) =>
      client.deliver(event),
    );
  }

  private replay(
    client: BroadcastClient,
    lastEventId: string,
    head: string,
  ): void {
    client.beginReplay();
    this.transport.replay(lastEventId, client.channels, client.user).then(
      (found) => {
        if (!this.clients.has(client)) return;
        // Checked here too: a transport that predates user addressing must
        // not replay someone else's events.
        const events = found.events.filter((e) => isAddressedTo(e, client));
        const result = { ...found, events };
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
    this.debug(
      () =>
        `Client ${client.id} connected (channels: ${client.channels.join(', ') || 'none'}${client.user === undefined ? '' : `; user ${client.user}`}; ${this.clients.size} open)`,
    );
    if (this.changes.observed) this.changes.next(changeOf('connect', client));
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
    if (!this.clients.remove(client)) return;
    if (this.clients.size === 0) this.keepAlive.stop();
    this.debug(
      () => `Client ${client.id} disconnected (${this.clients.size} open)`,
    );
    if (this.changes.observed) {
      this.changes.next(changeOf('disconnect', client));
    }
  }
}

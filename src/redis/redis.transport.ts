import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Subject } from 'rxjs';
import { TransportUnavailableException } from '../errors/transport-unavailable.exception.js';
import type {
  OutgoingEvent,
  ReplayResult,
  StoredEvent,
} from '../transports/transport-event.js';
import { SseFrame, checkField } from '../framing/sse-frame.js';
import { HISTORY_GAP_EVENT } from '../sse.constants.js';
import { ErrorMessages } from '../errors/error-messages.js';
import {
  describeTarget,
  quitConnection,
  waitUntilReady,
  watchConnection,
} from './redis-connection.js';
import type { RedisEnvelope } from './redis-envelope.js';
import { encodeEnvelopeHead } from './redis-envelope.js';
import { RedisEventFeed } from './redis-event-feed.js';
import type { RedisKeys } from './redis-event-store.js';
import { RedisEventStore, redisKeys } from './redis-event-store.js';
import type {
  RedisTransportOptions,
  ResolvedRedisTransportOptions,
} from './redis-transport-options.js';
import { resolveRedisTransportOptions } from './redis-transport-options.js';
import { SseTransport } from '../transports/sse.transport.js';
import type { LocalPresence } from '../presence/presence.types.js';
import type { PresenceKeys } from './redis-presence-tracker.js';
import {
  RedisPresenceTracker,
  presenceKeys,
} from './redis-presence-tracker.js';

/**
 * Several instances, one Redis: every event reaches the clients of every
 * instance, with the same id everywhere, and replay works on whichever
 * instance a client reconnects to.
 *
 * One Lua script per event issues its `seq`, appends it to a history stream
 * (`XADD MAXLEN ~ historySize`) and `PUBLISH`es it; each instance subscribes
 * and emits what it receives in `seq` order, filling holes from the stream.
 * The frame is encoded once, by the publishing instance.
 *
 * Connects in `onModuleInit` (or `connect()`), closes in
 * `onApplicationShutdown` (or `close()`). When Redis is unreachable,
 * `publish` and `replay` reject with `TransportUnavailableException` (503).
 * Besides stored events, `events$` may emit a `history-gap` notice (no
 * channel, the id of the last event) when this instance may have missed
 * events Redis lost.
 */
export class RedisTransport
  extends SseTransport
  implements OnModuleInit, OnApplicationShutdown
{
  private readonly logger = new Logger(RedisTransport.name);
  private readonly subject = new Subject<StoredEvent>();
  private readonly options: ResolvedRedisTransportOptions;
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly keys: RedisKeys;
  private readonly presenceKeys: PresenceKeys;
  private presence?: RedisPresenceTracker;
  private connected = false;
  private readonly store: RedisEventStore;
  private readonly feed: RedisEventFeed;
  private readonly waiters = new Map<string, (e?: StoredEvent) => void>();
  private readonly instance = randomUUID();
  private readonly unwatch: (() => void)[] = [];
  private published = 0;
  /** The last event emitted here, or the newest in Redis when this instance connected. */
  private headSeq = 0;
  private headId = '0';
  private connecting?: Promise<void>;
  private closed = false;

  readonly events$ = this.subject.asObservable();

  constructor(options: RedisTransportOptions) {
    super();
    this.options = resolveRedisTransportOptions(options);
    this.keys = redisKeys(this.options.keyPrefix);
    this.presenceKeys = presenceKeys(this.options.keyPrefix);
    // Fail fast instead of queueing while disconnected, never resend a
    // publish that may already have run.
    const ours = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: this.options.connectTimeoutMs,
    };
    this.commands =
      this.options.client ??
      new Redis(this.options.url!, { ...this.options.redisOptions, ...ours });
    this.subscriber = this.commands.duplicate({
      ...ours,
      autoResubscribe: false,
    });
    this.store = new RedisEventStore(
      this.commands,
      this.keys,
      this.options.historySize,
      this.options.commandTimeoutMs,
    );
    this.feed = new RedisEventFeed(
      {
        emit: (envelope) => this.emit(envelope),
        fetch: (after, before) => this.store.between(after, before),
        gap: (lastEventId, nextSeq, recovered) =>
          this.reportGap(lastEventId, nextSeq, recovered),
      },
      this.logger,
    );
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      if (channel.toString() === this.presenceKeys.channel) {
        this.presence?.receive(message.toString());
      } else {
        this.feed.push(message);
      }
    });
    this.unwatch.push(
      watchConnection(this.commands, 'command', this.logger, () => undefined),
      watchConnection(this.subscriber, 'subscriber', this.logger, () =>
        this.resubscribe(),
      ),
    );
  }

  /** Connects and subscribes; fails with `TransportUnavailableException` after `connectTimeoutMs`. */
  connect(): Promise<void> {
    this.connecting ??= this.open().catch(async (err: unknown) => {
      await this.close();
      throw err;
    });
    return this.connecting;
  }

  /**
   * Presence across every instance on this Redis (`SsePresence` calls it):
   * each instance keeps its counts in Redis, renewed every third of
   * `presenceTtlMs`, and leaves them with a goodbye when it closes.
   */
  override trackPresence(local: LocalPresence): RedisPresenceTracker {
    this.presence = new RedisPresenceTracker(
      {
        client: this.commands,
        keys: this.presenceKeys,
        instance: this.instance,
        ttlMs: this.options.presenceTtlMs,
        run: (promise) => this.store.run(promise),
        logger: this.logger,
      },
      local,
    );
    if (this.connected) this.presence.start();
    return this.presence;
  }

  /** Quits the connections it opened (a `client` passed in stays open). */
  async close(): Promise<void> {
    if (this.closed) return;
    // Its goodbye needs the connection: before anything closes.
    await this.presence?.close();
    this.closed = true;
    this.feed.stop();
    for (const resolve of this.waiters.values()) resolve(undefined);
    this.waiters.clear();
    this.subject.complete();
    for (const stop of this.unwatch) stop();
    await Promise.all([
      quitConnection(this.subscriber),
      this.options.client ? undefined : quitConnection(this.commands),
    ]);
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async publish(event: OutgoingEvent): Promise<StoredEvent> {
    const body = SseFrame.from({ type: event.event, data: event.data }).bytes;
    const chosenId = event.id ? checkField('id', event.id) : undefined;
    this.assertReady();
    const token = `${this.instance}:${++this.published}`;
    const echoed = new Promise<StoredEvent | undefined>((resolve) =>
      this.waiters.set(token, resolve),
    );
    let seqText: string;
    try {
      const addressed = { ...event, id: chosenId };
      seqText = await this.store.publish(
        encodeEnvelopeHead(token, addressed),
        body,
        addressed,
      );
    } catch (err) {
      this.waiters.delete(token);
      throw err;
    }
    const stored = await this.store.run(echoed).catch(() => undefined);
    if (stored) return stored;
    // Published and stored, but our own subscriber has not seen it yet: the
    // event is out, so this is not a failure; local clients get it on resync.
    this.waiters.delete(token);
    if (!this.closed) {
      this.logger.warn(
        `Event ${seqText} is published but has not come back from Redis yet`,
      );
    }
    const id = chosenId ?? seqText;
    return {
      seq: Number(seqText),
      id,
      event: event.event,
      channel: event.channel,
      user: event.user,
      exceptUser: event.exceptUser,
      exceptClient: event.exceptClient,
      frame: SseFrame.from({ id, type: event.event, data: event.data }),
    };
  }

  /**
   * The id of the last event this instance emitted, or, before its first,
   * the seq of the newest event in Redis when it connected ('0' when Redis
   * has none): every instance hands out a position replay can resume from.
   */
  head(): string {
    return this.headId;
  }

  async replay(
    lastEventId: string,
    channels: readonly string[],
    user?: string,
  ): Promise<ReplayResult> {
    // A client reconnecting while Redis restarts waits a little rather than
    // failing at once: a failure after the stream opened makes EventSource
    // retry, a 503 before it would make it give up.
    await this.whenReady();
    return this.store.replay(lastEventId, channels, user);
  }

  private async open(): Promise<void> {
    const target = this.options.url
      ? describeTarget(this.options.url)
      : describeTarget(this.commands);
    const ms = this.options.connectTimeoutMs;
    await Promise.all([
      waitUntilReady(this.commands, target, ms),
      waitUntilReady(this.subscriber, target, ms),
    ]);
    await this.store.run(
      this.subscriber.subscribe(this.keys.channel, this.presenceKeys.channel),
    );
    // After subscribing: whatever is newer than this arrives on the feed.
    this.advanceHead(Number(await this.store.head()));
    this.connected = true;
    this.presence?.start();
    this.logger.log(
      `Connected to Redis at ${target} (key prefix "${this.options.keyPrefix}")`,
    );
  }

  /** After the subscriber reconnected: subscribe again, then catch up from history. */
  private resubscribe(): void {
    if (this.closed || !this.connecting) return;
    this.subscriber
      .subscribe(this.keys.channel, this.presenceKeys.channel)
      .then(
        () => this.feed.resync(),
        (err: Error) =>
          this.logger.error(`Could not subscribe again: ${err.message}`),
      );
  }

  private emit({ token, event }: RedisEnvelope): void {
    this.advanceHead(event.seq, event.id);
    this.subject.next(event);
    const resolve = token === undefined ? undefined : this.waiters.get(token);
    if (resolve) {
      this.waiters.delete(token!);
      resolve(event);
    }
  }

  /** Moves the head forward to a stored event's seq (gap notices have none). */
  private advanceHead(seq: number, id = String(seq)): void {
    if (!Number.isSafeInteger(seq) || seq <= this.headSeq) return;
    this.headSeq = seq;
    this.headId = id;
  }

  private reportGap(lastEventId: string, nextSeq: number, recovered: number) {
    this.logger.warn(
      `Events after ${lastEventId} may not have reached this instance: Redis no longer has them (restarted without its data, or trimmed its history); ${recovered} recovered. Clients here get a ${HISTORY_GAP_EVENT} event.`,
    );
    // Not stored. Its id is the last event's: every client of this instance
    // already has what it should of everything up to it, so its position
    // (Last-Event-ID) stays where it is in effect.
    this.subject.next({
      seq: nextSeq - 0.5,
      id: lastEventId,
      event: HISTORY_GAP_EVENT,
      frame: SseFrame.from({
        type: HISTORY_GAP_EVENT,
        id: lastEventId,
        data: { lastEventId, reason: 'expired', replayed: recovered },
      }),
    });
  }

  private assertReady(): void {
    for (const client of [this.commands, this.subscriber]) {
      if (this.closed || client.status !== 'ready') {
        throw new TransportUnavailableException(
          ErrorMessages.redisNotReady(this.closed ? 'closed' : client.status),
        );
      }
    }
  }

  /** `assertReady`, after waiting up to `commandTimeoutMs` for a reconnect. */
  private async whenReady(): Promise<void> {
    const deadline = Date.now() + this.options.commandTimeoutMs;
    const ready = () =>
      this.commands.status === 'ready' && this.subscriber.status === 'ready';
    while (!this.closed && this.connecting && !ready()) {
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.assertReady();
  }
}

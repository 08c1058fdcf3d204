import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Subject } from 'rxjs';
import { TransportUnavailableError } from '../errors/transport-unavailable.error.js';
import type {
  HistoryGapReason,
  OutgoingEvent,
  ReplayResult,
  StoredEvent,
} from '../sse-event.js';
import { SseFrame, checkField } from '../sse-frame.js';
import { HISTORY_GAP_EVENT } from '../sse.constants.js';
import { SseMessages } from '../sse.messages.js';
import {
  describeTarget,
  quitConnection,
  waitUntilReady,
  watchConnection,
} from './redis-connection.js';
import type { RedisEnvelope } from './redis-envelope.js';
import { decodeEnvelope, encodeEnvelopeHead } from './redis-envelope.js';
import { RedisEventFeed } from './redis-event-feed.js';
import { PUBLISH_SCRIPT, REPLAY_SCRIPT } from './redis-scripts.js';
import type {
  RedisTransportOptions,
  ResolvedRedisTransportOptions,
} from './redis-transport-options.js';
import { resolveRedisTransportOptions } from './redis-transport-options.js';
import { SseTransport } from './sse.transport.js';

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
 * `publish` and `replay` reject with `TransportUnavailableError` (503).
 * Besides stored events, `events$` may emit a `history-gap` notice (no id,
 * no channel) when this instance may have missed events Redis lost.
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
  private readonly keys: { seq: string; history: string; channel: string };
  private readonly feed: RedisEventFeed;
  private readonly waiters = new Map<string, (e?: StoredEvent) => void>();
  private readonly instance = randomUUID();
  private readonly unwatch: (() => void)[] = [];
  private published = 0;
  private connecting?: Promise<void>;
  private closed = false;

  readonly events$ = this.subject.asObservable();

  constructor(options: RedisTransportOptions) {
    super();
    this.options = resolveRedisTransportOptions(options);
    const prefix = this.options.keyPrefix;
    this.keys = {
      seq: `${prefix}seq`,
      history: `${prefix}history`,
      channel: `${prefix}events`,
    };
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
    this.feed = new RedisEventFeed(
      {
        emit: (envelope) => this.emit(envelope),
        fetch: (after, before) => this.fetchBetween(after, before),
        gap: (lastEventId, nextSeq, recovered) =>
          this.reportGap(lastEventId, nextSeq, recovered),
      },
      this.logger,
    );
    this.subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) =>
      this.feed.push(message),
    );
    this.unwatch.push(
      watchConnection(this.commands, 'command', this.logger, () => undefined),
      watchConnection(this.subscriber, 'subscriber', this.logger, () =>
        this.resubscribe(),
      ),
    );
  }

  /** Connects and subscribes; fails with `TransportUnavailableError` after `connectTimeoutMs`. */
  connect(): Promise<void> {
    this.connecting ??= this.open().catch(async (err: unknown) => {
      await this.close();
      throw err;
    });
    return this.connecting;
  }

  /** Quits the connections it opened (a `client` passed in stays open). */
  async close(): Promise<void> {
    if (this.closed) return;
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
      const head = encodeEnvelopeHead(
        token,
        event.event,
        event.channel,
        chosenId,
      );
      const reply = await this.timed(
        PUBLISH_SCRIPT.run(
          this.commands,
          [this.keys.seq, this.keys.history],
          [
            this.keys.channel,
            this.options.historySize,
            chosenId ?? '',
            head,
            body,
            event.channel ?? '',
          ],
        ),
      );
      seqText = String(reply);
    } catch (err) {
      this.waiters.delete(token);
      throw this.unavailable(err);
    }
    const stored = await this.timed(echoed).catch(() => undefined);
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
      frame: SseFrame.from({ id, type: event.event, data: event.data }),
    };
  }

  async replay(
    lastEventId: string,
    channels: readonly string[],
  ): Promise<ReplayResult> {
    this.assertReady();
    let reply: [Buffer, Buffer[]];
    try {
      reply = (await this.timed(
        REPLAY_SCRIPT.run(
          this.commands,
          [this.keys.history],
          [lastEventId, ...channels],
        ),
      )) as [Buffer, Buffer[]];
    } catch (err) {
      throw this.unavailable(err);
    }
    const gap = reply[0].toString() as HistoryGapReason | '';
    const events = reply[1].map((message) => decodeEnvelope(message).event);
    return gap ? { events, gap } : { events };
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
    await this.timed(this.subscriber.subscribe(this.keys.channel));
    this.logger.log(
      `Connected to Redis at ${target} (key prefix "${this.options.keyPrefix}")`,
    );
  }

  /** After the subscriber reconnected: subscribe again, then catch up from history. */
  private resubscribe(): void {
    if (this.closed || !this.connecting) return;
    this.subscriber.subscribe(this.keys.channel).then(
      () => this.feed.resync(),
      (err: Error) =>
        this.logger.error(`Could not subscribe again: ${err.message}`),
    );
  }

  private emit({ token, event }: RedisEnvelope): void {
    this.subject.next(event);
    const resolve = token === undefined ? undefined : this.waiters.get(token);
    if (resolve) {
      this.waiters.delete(token!);
      resolve(event);
    }
  }

  private async fetchBetween(after: number, before?: number) {
    const entries = (await this.timed(
      this.commands.callBuffer(
        'XRANGE',
        this.keys.history,
        `(${after}-0`,
        before === undefined ? '+' : `(${before}-0`,
      ),
    )) as [Buffer, Buffer[]][];
    return entries.map(([, fields]) => {
      const at = fields.findIndex((name) => name.toString() === 'm');
      return fields[at + 1];
    });
  }

  private reportGap(lastEventId: string, nextSeq: number, recovered: number) {
    this.logger.warn(
      `Events after ${lastEventId} may not have reached this instance: Redis no longer has them (restarted without its data, or trimmed its history); ${recovered} recovered. Clients here get a ${HISTORY_GAP_EVENT} event.`,
    );
    // Not stored and without id: the clients' Last-Event-ID stays as it was.
    this.subject.next({
      seq: nextSeq - 0.5,
      id: '',
      event: HISTORY_GAP_EVENT,
      frame: SseFrame.from({
        type: HISTORY_GAP_EVENT,
        data: { lastEventId, reason: 'expired', replayed: recovered },
      }),
    });
  }

  private assertReady(): void {
    for (const client of [this.commands, this.subscriber]) {
      if (this.closed || client.status !== 'ready') {
        throw new TransportUnavailableError(
          SseMessages.redisNotReady(this.closed ? 'closed' : client.status),
        );
      }
    }
  }

  private unavailable(err: unknown): TransportUnavailableError {
    if (err instanceof TransportUnavailableError) return err;
    return new TransportUnavailableError(`Redis: ${(err as Error).message}`, {
      cause: err,
    });
  }

  /** Rejects with `TransportUnavailableError` after `commandTimeoutMs`. */
  private timed<T>(promise: Promise<T>): Promise<T> {
    const ms = this.options.commandTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new TransportUnavailableError(SseMessages.redisTimeout(ms))),
        ms,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

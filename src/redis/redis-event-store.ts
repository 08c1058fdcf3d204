import type { Redis } from 'ioredis';
import { TransportUnavailableException } from '../errors/transport-unavailable.exception.js';
import type {
  HistoryGapReason,
  OutgoingEvent,
  ReplayResult,
} from '../transports/transport-event.js';
import { ErrorMessages } from '../errors/error-messages.js';
import { decodeEnvelope } from './redis-envelope.js';
import { HEAD_SCRIPT, PUBLISH_SCRIPT, REPLAY_SCRIPT } from './redis-scripts.js';

/** The Redis names one app uses, all under its key prefix. */
export interface RedisKeys {
  /** The last issued `seq`. */
  readonly seq: string;
  /** The history stream. */
  readonly history: string;
  /** The pub/sub channel every instance subscribes to. */
  readonly channel: string;
}

export const redisKeys = (prefix: string): RedisKeys => ({
  seq: `${prefix}seq`,
  history: `${prefix}history`,
  channel: `${prefix}events`,
});

/**
 * The commands of `RedisTransport`: publish, replay, read history. Each one
 * is bounded by `timeoutMs` and fails with `TransportUnavailableException`.
 */
export class RedisEventStore {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly historySize: number,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Issues the seq, stores and publishes the envelope; resolves with the
   * seq as text. `frame` is the encoded event without its `id:` line.
   */
  async publish(
    head: string,
    frame: Buffer,
    event: Pick<OutgoingEvent, 'channel' | 'id' | 'user' | 'exceptUser'>,
  ): Promise<string> {
    const reply = await this.run(
      PUBLISH_SCRIPT.run(
        this.client,
        [this.keys.seq, this.keys.history],
        [
          this.keys.channel,
          this.historySize,
          event.id ?? '',
          head,
          frame,
          event.channel ?? '',
          event.user ?? '',
          event.exceptUser ?? '',
        ],
      ),
    );
    return String(reply);
  }

  /** What follows `lastEventId` in history for `channels` and `user` (see `REPLAY_SCRIPT`). */
  async replay(
    lastEventId: string,
    channels: readonly string[],
    user: string | undefined,
  ): Promise<ReplayResult> {
    const [reason, messages] = (await this.run(
      REPLAY_SCRIPT.run(
        this.client,
        [this.keys.history, this.keys.seq],
        [lastEventId, user ?? '', ...channels],
      ),
    )) as [Buffer, Buffer[]];
    const gap = reason.toString() as HistoryGapReason | '';
    const events = messages.map((message) => decodeEnvelope(message).event);
    return gap ? { events, gap } : { events };
  }

  /** The seq of the newest event ('0' before the first one), as text. */
  async head(): Promise<string> {
    const reply = await this.run(
      HEAD_SCRIPT.run(this.client, [this.keys.seq, this.keys.history], []),
    );
    return String(reply);
  }

  /** The envelopes in history with `after < seq < before` (no `before`: to the end). */
  async between(after: number, before?: number): Promise<Buffer[]> {
    const entries = (await this.run(
      this.client.callBuffer(
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

  /** `promise`, failing with `TransportUnavailableException` on error or after `timeoutMs`. */
  async run<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TransportUnavailableException(
              ErrorMessages.redisTimeout(this.timeoutMs),
            ),
          ),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([promise, timeout]);
    } catch (err) {
      if (err instanceof TransportUnavailableException) throw err;
      throw new TransportUnavailableException(
        `Redis: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

import type { LoggerService } from '@nestjs/common';
import type { RedisEnvelope } from './redis-envelope.js';
import { decodeEnvelope } from './redis-envelope.js';

/** What `RedisEventFeed` needs from its transport. */
export interface RedisEventFeedHooks {
  /** Hands one event on, in `seq` order, once. */
  emit(envelope: RedisEnvelope): void;
  /** History entries with `after < seq < before` (no `before`: to the end), oldest first. */
  fetch(after: number, before?: number): Promise<Buffer[]>;
  /**
   * Events may be missing between the last one emitted and the next: Redis
   * lost them (restart without persistence) or trimmed them before this
   * instance could read them. `recovered` events follow.
   */
  gap(lastEventId: string, nextSeq: number, recovered: number): void;
}

type Pending = { envelope: RedisEnvelope } | { resync: true };

const FETCH_ATTEMPTS = 3;
const FETCH_RETRY_MS = 250;

/**
 * Turns the pub/sub messages one instance receives into a gap-free ordered
 * feed. Each envelope names the `seq` before it (`prev`): when that is the
 * last one emitted, the event goes out at once; when it is not (the
 * subscriber was disconnected and missed some), the hole is filled from the
 * history stream first, and reported when history no longer has it.
 */
export class RedisEventFeed {
  private lastSeq: number | undefined;
  private lastId = '';
  private readonly queue: Pending[] = [];
  private draining = false;
  private stopped = false;

  constructor(
    private readonly hooks: RedisEventFeedHooks,
    private readonly logger: LoggerService,
  ) {}

  /** One pub/sub message. */
  push(message: Buffer): void {
    let envelope: RedisEnvelope;
    try {
      envelope = decodeEnvelope(message);
    } catch (err) {
      this.logger.warn?.(`Ignored a message: ${(err as Error).message}`);
      return;
    }
    if (!this.draining && this.queue.length === 0) {
      if (this.follows(envelope)) return this.accept(envelope);
      if (envelope.event.seq <= this.lastSeq!) return;
    }
    this.queue.push({ envelope });
    void this.drain();
  }

  /** After the subscriber reconnected: reads what was published meanwhile. */
  resync(): void {
    if (this.lastSeq === undefined) return;
    this.queue.push({ resync: true });
    void this.drain();
  }

  /** Drops what is queued; nothing is emitted any more. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private follows(envelope: RedisEnvelope): boolean {
    return this.lastSeq === undefined || envelope.prev === this.lastSeq;
  }

  private accept(envelope: RedisEnvelope): void {
    this.lastSeq = envelope.event.seq;
    this.lastId = envelope.event.id;
    this.hooks.emit(envelope);
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const item = this.queue[0];
        const next = 'envelope' in item ? item.envelope : undefined;
        if (next && next.event.seq <= this.lastSeq!) {
          this.queue.shift();
        } else if (next && this.follows(next)) {
          this.queue.shift();
          this.accept(next);
        } else {
          const recovered = await this.fetch(next?.event.seq);
          this.queue.shift();
          if (!this.stopped) this.fill(recovered, next);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Emits what history gave for the hole, then `next`; reports a broken chain first. */
  private fill(recovered: RedisEnvelope[], next?: RedisEnvelope): void {
    const chain = next ? [...recovered, next] : recovered;
    let cursor = this.lastSeq!;
    for (const envelope of chain) {
      if (envelope.prev !== cursor) {
        this.hooks.gap(this.lastId, chain[0].event.seq, recovered.length);
        break;
      }
      cursor = envelope.event.seq;
    }
    for (const envelope of chain) {
      if (envelope.event.seq > this.lastSeq!) this.accept(envelope);
    }
  }

  private async fetch(before?: number): Promise<RedisEnvelope[]> {
    const after = this.lastSeq!;
    for (let attempt = 1; ; attempt++) {
      try {
        const entries = await this.hooks.fetch(after, before);
        return entries.map((entry) => decodeEnvelope(entry));
      } catch (err) {
        if (attempt >= FETCH_ATTEMPTS || this.stopped) {
          this.logger.error(
            `Could not read the events after ${after} from history: ${(err as Error).message}`,
          );
          return [];
        }
        await new Promise((r) => setTimeout(r, FETCH_RETRY_MS * attempt));
      }
    }
  }
}

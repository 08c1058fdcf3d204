import type { LoggerService } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Subscription } from 'rxjs';
import { Subject } from 'rxjs';
import type { ClientChange } from '../broadcast/broadcast-stream.types.js';
import { PresenceTracker } from '../presence/presence-tracker.js';
import type {
  LocalPresence,
  PresenceCounts,
  UserPresenceChange,
} from '../presence/presence.types.js';
import type { RedisScript } from './redis-scripts.js';
import {
  PRESENCE_CHANGE_SCRIPT,
  PRESENCE_COUNTS_SCRIPT,
  PRESENCE_GOODBYE_SCRIPT,
  PRESENCE_HEARTBEAT_SCRIPT,
  PRESENCE_SNAPSHOT_SCRIPT,
  PRESENCE_STREAMS_OF_SCRIPT,
} from './redis-presence-scripts.js';

/** Changes within this window go to Redis in one script (connect storms). */
const COALESCE_MS = 20;

/** The Redis names of presence, under the transport's key prefix. */
export interface PresenceKeys {
  /** Sorted set: instance id -> when it expires. */
  readonly instances: string;
  /** Prefix of each instance's hash of counts. */
  readonly hashPrefix: string;
  /** Pub/sub channel of `online <user>` / `offline <user>`. */
  readonly channel: string;
}

export const presenceKeys = (prefix: string): PresenceKeys => ({
  instances: `${prefix}presence:instances`,
  hashPrefix: `${prefix}presence:instance:`,
  channel: `${prefix}presence`,
});

/** What the tracker needs from its transport. */
export interface RedisPresenceContext {
  readonly client: Redis;
  readonly keys: PresenceKeys;
  /** This instance's id. */
  readonly instance: string;
  readonly ttlMs: number;
  /** A command bounded by the transport's timeout (`TransportUnavailableException`). */
  run<T>(promise: Promise<T>): Promise<T>;
  readonly logger: LoggerService;
}

/**
 * Presence across the instances of one Redis (see `redis-presence-scripts.ts`
 * for the layout). This instance's changes are applied as deltas, coalesced;
 * when a write may have failed, or Redis no longer has this instance's hash
 * (reaped after a stall, or Redis restarted empty), the next write replaces
 * it with a snapshot. A heartbeat every third of `ttlMs` keeps it live.
 */
export class RedisPresenceTracker extends PresenceTracker {
  private readonly changes = new Subject<UserPresenceChange>();
  private readonly deltas = new Map<string, number>();
  private subscription?: Subscription;
  private heartbeat?: NodeJS.Timeout;
  private pending?: NodeJS.Timeout;
  /** Writes, one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  /** Redis may not match this instance: the next write is a snapshot. */
  private dirty = true;
  private failing = false;
  private closing?: Promise<void>;

  readonly userChanges$ = this.changes.asObservable();

  constructor(
    private readonly context: RedisPresenceContext,
    private readonly local: LocalPresence,
  ) {
    super();
  }

  /** Once the transport is connected: writes this instance, then keeps it live. */
  start(): void {
    if (this.subscription || this.closing) return;
    this.subscription = this.local.clientChanges$.subscribe((change) =>
      this.record(change),
    );
    const every = Math.max(1, Math.floor(this.context.ttlMs / 3));
    this.heartbeat = setInterval(() => this.enqueue(() => this.beat()), every);
    this.heartbeat.unref();
    this.enqueue(() => this.flush());
  }

  /** A message of the presence pub/sub channel. */
  receive(message: string): void {
    const [type, user] = message.split(' ');
    if ((type === 'online' || type === 'offline') && user) {
      this.changes.next({ type, user });
    }
  }

  async counts(): Promise<PresenceCounts> {
    const { keys } = this.context;
    const [connected, flat, users] = (await this.call(
      PRESENCE_COUNTS_SCRIPT,
      [keys.instances],
      [keys.hashPrefix],
    )) as [number, Buffer[], number];
    const channels: Record<string, number> = {};
    for (let i = 0; i < flat.length; i += 2) {
      channels[flat[i].toString()] = Number(flat[i + 1].toString());
    }
    return { connected, channels, users };
  }

  async streamsOf(user: string): Promise<number> {
    const { keys } = this.context;
    return Number(
      await this.call(
        PRESENCE_STREAMS_OF_SCRIPT,
        [keys.instances],
        [keys.hashPrefix, `u:${user}`],
      ),
    );
  }

  /** Says goodbye (bounded by the command timeout) and stops; safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    clearInterval(this.heartbeat);
    clearTimeout(this.pending);
    const started = this.subscription !== undefined;
    this.deltas.clear();
    if (started) {
      this.enqueue(async () => {
        await this.write(PRESENCE_GOODBYE_SCRIPT, []);
      });
      await this.queue;
    }
    this.changes.complete();
  }

  private record({ type, channels, user }: ClientChange): void {
    const delta = type === 'connect' ? 1 : -1;
    this.add('n', delta);
    for (const channel of channels) this.add(`c:${channel}`, delta);
    if (user !== undefined) this.add(`u:${user}`, delta);
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.enqueue(() => this.flush());
    }, COALESCE_MS);
  }

  private add(field: string, delta: number): void {
    const sum = (this.deltas.get(field) ?? 0) + delta;
    if (sum === 0) this.deltas.delete(field);
    else this.deltas.set(field, sum);
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task);
  }

  private async flush(): Promise<void> {
    if (this.dirty) return this.snapshot();
    if (this.deltas.size === 0) return;
    const pairs = [...this.deltas].flat();
    this.deltas.clear();
    const applied = await this.write(PRESENCE_CHANGE_SCRIPT, pairs);
    if (applied === 0) await this.snapshot();
  }

  private async beat(): Promise<void> {
    if (this.dirty) return this.snapshot();
    const alive = await this.write(PRESENCE_HEARTBEAT_SCRIPT, []);
    if (alive === 0) await this.snapshot();
  }

  private async snapshot(): Promise<void> {
    // Includes every change so far: the deltas are dropped with it.
    this.deltas.clear();
    this.dirty = false;
    const { connected, channels, users } = this.local.presenceSnapshot();
    const pairs: (string | number)[] = [connected];
    for (const [name, count] of Object.entries(channels)) {
      pairs.push(`c:${name}`, count);
    }
    for (const [user, count] of Object.entries(users)) {
      pairs.push(`u:${user}`, count);
    }
    await this.write(PRESENCE_SNAPSHOT_SCRIPT, pairs);
  }

  /** Runs a writing script; undefined (and a snapshot next time) when it failed. */
  private async write(
    script: RedisScript,
    args: readonly (string | number)[],
  ): Promise<number | undefined> {
    const { keys, instance, ttlMs, logger } = this.context;
    try {
      const reply = await this.call(
        script,
        [keys.instances, `${keys.hashPrefix}${instance}`],
        [keys.hashPrefix, keys.channel, instance, ttlMs, ...args],
      );
      this.failing = false;
      return Number(reply);
    } catch (err) {
      this.dirty = true;
      // Once per outage, not every heartbeat.
      if (!this.failing) {
        logger.warn?.(
          `Presence not shared (retried with the next heartbeat): ${(err as Error).message}`,
        );
      }
      this.failing = true;
      return undefined;
    }
  }

  private call(
    script: RedisScript,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    return this.context.run(script.run(this.context.client, keys, args));
  }
}

import { Inject, Injectable, Optional } from '@nestjs/common';
import { Subject } from 'rxjs';
import { BroadcastService } from '../broadcast/broadcast.service.js';
import type { BroadcastMessage } from '../broadcast/broadcast-message.js';
import { resolveSseOptions } from '../resolved-sse-options.js';
import type { SseModuleOptions } from '../sse-module-options.js';
import { SSE_MODULE_OPTIONS } from '../sse.module-definition.js';
import { DEFAULT_EVENT_NAME } from '../sse.constants.js';
import { InMemoryTransport } from '../transports/in-memory.transport.js';
import type { PublishedEvent } from './published-event.js';

/**
 * A `BroadcastService` for tests that records every event published through
 * it. It is the real service on a transport of its own (in memory unless
 * the options give one), so it validates as the real one does (a bad field
 * still throws `InvalidSseFieldException`), resolves with real ids, and
 * `stream()` gives the frames a client would receive.
 *
 * Provide it in place of the real one: `{ provide: BroadcastService,
 * useValue: new RecordingBroadcastService() }` in a testing module without
 * `SseModule`, or `.overrideProvider(BroadcastService).useClass(
 * RecordingBroadcastService)` over an app that imports `SseModule` (it then
 * takes that module's options).
 */
@Injectable()
export class RecordingBroadcastService extends BroadcastService {
  private records: PublishedEvent[] = [];
  private readonly recorded = new Subject<PublishedEvent>();

  /** Each successful publish as it is recorded, for code that publishes later. */
  readonly published$ = this.recorded.asObservable();

  /** Options as `SseModule.forRoot()` takes them; every one has its default. */
  constructor(
    @Optional() @Inject(SSE_MODULE_OPTIONS) options: SseModuleOptions = {},
  ) {
    super(
      options.transport ?? new InMemoryTransport(),
      resolveSseOptions(options),
    );
  }

  /** Every successful publish since the start (or the last `clear()`), oldest first. */
  get published(): readonly PublishedEvent[] {
    return this.records;
  }

  /** Publishes as `BroadcastService.publish()` does, then records the event. */
  override async publish(message: BroadcastMessage): Promise<string> {
    const id = await super.publish(message);
    const record: PublishedEvent = {
      id,
      event: message.event ?? DEFAULT_EVENT_NAME,
      data: message.data,
      ...(message.channel === undefined ? {} : { channel: message.channel }),
    };
    this.records.push(record);
    this.recorded.next(record);
    return id;
  }

  /**
   * Forgets what was recorded (one instance shared by several tests); an
   * array read from `published` before keeps its events.
   */
  clear(): void {
    this.records = [];
  }

  /** Ends the open streams, as the real one does, and `published$`. */
  override onModuleDestroy(): void {
    super.onModuleDestroy();
    this.recorded.complete();
  }
}

import { Controller, Headers, Query, Sse } from '@nestjs/common';
import {
  ApiHeader,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Observable } from 'rxjs';
import { EMPTY, concat, interval, map, of, take } from 'rxjs';
import type { SseMessage } from '../../src/index.js';
import { ResolvedSseOptions } from '../../src/index.js';
import { ApiEventStream } from '../../src/swagger/index.js';
import { ApiTicksErrors } from '../common/api-errors.js';
import { TICK_EVENTS } from './tick-events.dto.js';
import { TicksQueryDto } from './ticks-query.dto.js';

@ApiTags('SSE')
@Controller('sse')
export class TicksController {
  constructor(private readonly options: ResolvedSseOptions) {}

  /**
   * A stream of its own for each client: `connected`, `count` ticks, `complete`,
   * end. A client that reconnects with `Last-Event-ID: n` resumes at tick n+1;
   * one that already had every tick gets 204, which stops EventSource retrying
   * (as `SseModule` serves this `@Sse()` route: Nest's own would answer 200).
   */
  @Sse()
  @ApiOperation({
    operationId: 'streamTicks',
    summary: 'Per-connection tick stream',
    description:
      'A stream of its own for each client: `connected` (with `retry`), `count` `tick` events with ids 1..count, `complete`, then the server ends the stream.',
    security: [],
  })
  @ApiHeader({
    name: 'last-event-id',
    required: false,
    description: 'The last tick id received: the stream resumes after it',
    schema: { type: 'string', example: '3' },
  })
  // A stream of its own: none of the broadcast stream's events.
  @ApiEventStream({ events: TICK_EVENTS, broadcast: false })
  @ApiNoContentResponse({
    description:
      'Last-Event-ID already names the last tick: nothing left, stop reconnecting',
  })
  @ApiTicksErrors()
  ticks(
    @Query() { count, intervalMs }: TicksQueryDto,
    @Headers('last-event-id') lastEventId?: string,
  ): Observable<SseMessage> {
    const seen = /^\d+$/.test(lastEventId ?? '') ? Number(lastEventId) : 0;
    if (seen >= count) return EMPTY;
    const connected: SseMessage = {
      type: 'connected',
      data: { clientId: randomUUID(), serverTime: new Date().toISOString() },
      retry: this.options.retryMs,
    };
    const ticks = interval(intervalMs).pipe(
      take(count - seen),
      map((n): SseMessage => {
        const i = seen + n + 1;
        return {
          type: 'tick',
          id: String(i),
          data: { i, count, time: new Date().toISOString() },
        };
      }),
    );
    const complete: SseMessage = { type: 'complete', data: { count } };
    return concat(of(connected), ticks, of(complete));
  }
}

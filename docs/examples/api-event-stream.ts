import { Controller, Query } from '@nestjs/common';
import {
  BroadcastService,
  LastEventId,
  SseRoute,
  type SseMessage,
} from 'nestjs-sse-broadcast';
import { ApiEventStream } from 'nestjs-sse-broadcast/swagger';
import { interval, map, take, type Observable } from 'rxjs';
import { TICK_EVENTS } from './tick-events.js';

@Controller('sse')
export class TicksController {
  constructor(private readonly broadcast: BroadcastService) {}

  @SseRoute()
  // name → DTO class or inline schema; a stream of its own, not a broadcast
  @ApiEventStream({ events: TICK_EVENTS, broadcast: false })
  ticks(): Observable<SseMessage> {
    return interval(1000).pipe(
      take(10),
      map((i) => ({
        type: 'tick',
        id: String(i + 1),
        data: { i: i + 1, count: 10 },
      })),
    );
  }

  @SseRoute('broadcast')
  @ApiEventStream({
    events: { notice: { type: 'string' } }, // connected, history-gap: added
    otherEvents: {}, // a relay: any other event name, any JSON payload
  })
  relay(
    @Query('channel') channel?: string, // documented as optional
    @LastEventId() lastEventId?: string, // Last-Event-ID, ?lastEventId=
  ) {
    return this.broadcast.stream({
      channels: channel ? [channel] : [],
      lastEventId,
    });
  }
}

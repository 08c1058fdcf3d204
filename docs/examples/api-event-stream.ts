import { Controller } from '@nestjs/common';
import {
  BroadcastService,
  SseRoute,
  type SseMessage,
} from 'nestjs-sse-broadcast';
import { ApiEventStream } from 'nestjs-sse-broadcast/swagger';
import { interval, map, take, type Observable } from 'rxjs';
import { ConnectedEventDto, TICK_EVENTS } from './tick-events.js';

@Controller('sse')
export class TicksController {
  constructor(private readonly broadcast: BroadcastService) {}

  @SseRoute()
  @ApiEventStream({ events: TICK_EVENTS }) // name → DTO class or inline schema
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
    events: { connected: ConnectedEventDto, notice: { type: 'string' } },
    otherEvents: {}, // a relay: any other event name, any JSON payload
  })
  relay() {
    return this.broadcast.stream({});
  }
}

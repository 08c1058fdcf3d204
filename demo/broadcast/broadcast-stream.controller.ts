import { Controller, Headers, Query } from '@nestjs/common';
import {
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import type { SseFrame } from '../../src/index.js';
import { BroadcastService, SseRoute } from '../../src/index.js';
import { ApiEventStream } from '../../src/swagger/index.js';
import { ApiBadRequest, ErrorResponseDto } from '../common/api-errors.js';
import { ConnectedEventDto } from '../ticks/tick-events.dto.js';
import { HistoryGapEventDto } from './history-gap-event.dto.js';

/** `?channel=a&channel=b` and `?channel=a,b` both mean [a, b]. */
export function parseChannels(raw: string | string[] | undefined): string[] {
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return values
    .flatMap((v) => String(v).split(','))
    .map((c) => c.trim())
    .filter(Boolean);
}

@ApiTags('SSE')
@Controller('sse')
export class BroadcastStreamController {
  constructor(private readonly broadcast: BroadcastService) {}

  /** `connected`, then everything broadcast to everyone or to the requested channels. */
  @SseRoute('broadcast')
  @ApiOperation({
    operationId: 'streamBroadcasts',
    summary: 'Shared broadcast stream',
  })
  @ApiQuery({
    name: 'channel',
    required: false,
    description:
      'Channels to subscribe to (repeat it, or separate with commas)',
    type: String,
    isArray: true,
  })
  @ApiQuery({
    name: 'lastEventId',
    required: false,
    description:
      'Same as the Last-Event-ID header, for clients that cannot set headers',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Replay what came after this id',
  })
  @ApiEventStream({
    events: {
      connected: ConnectedEventDto,
      'history-gap': HistoryGapEventDto,
      message: {
        description: 'Any broadcast: its event name and JSON data as published',
      },
    },
  })
  @ApiBadRequest()
  @ApiResponse({
    status: 503,
    description: 'Too many clients',
    type: ErrorResponseDto,
  })
  stream(
    @Query('channel') channel?: string | string[],
    @Query('lastEventId') lastEventIdQuery?: string,
    @Headers('last-event-id') lastEventIdHeader?: string,
  ): Observable<SseFrame> {
    return this.broadcast.stream({
      channels: parseChannels(channel),
      lastEventId: lastEventIdHeader ?? lastEventIdQuery,
    });
  }
}

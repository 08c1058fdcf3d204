import { Controller, Query, Req, Sse } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import type { SseFrame } from '../../src/index.js';
import { BroadcastService, LastEventId } from '../../src/index.js';
import { ApiEventStream } from '../../src/swagger/index.js';
import { ApiStreamErrors } from '../common/api-errors.js';
import { ConnectedEventDto } from '../ticks/tick-events.dto.js';
import { HistoryGapEventDto } from './history-gap-event.dto.js';

/** The data of a published event: whatever `POST /api/broadcast` was given. */
const BROADCAST_PAYLOAD = {
  description:
    'The `data` given to POST /api/broadcast: JSON, or a string sent as it is',
  example: { text: 'hello' },
};

/** `?channel=a&channel=b` and `?channel=a,b` both mean [a, b]. */
export function parseChannels(raw: string | string[] | undefined): string[] {
  if (raw === undefined) return [];
  const values = Array.isArray(raw) ? raw : [raw];
  return values
    .flatMap((v) => String(v).split(','))
    .map((c) => c.trim())
    .filter(Boolean);
}

@ApiTags('SSE')
@Controller('sse')
export class BroadcastStreamController {
  constructor(private readonly broadcast: BroadcastService) {}

  /**
   * `connected`, then everything broadcast to everyone or to the requested
   * channels. Nest's own `@Sse()`: `SseModule` serves it on its fast path.
   */
  @Sse('broadcast')
  @ApiOperation({
    operationId: 'streamBroadcasts',
    summary: 'Shared broadcast stream',
    description:
      '`connected` first (with `retry`), then every event published with `POST /api/broadcast` to everyone or to a subscribed channel. With `Last-Event-ID` (or `lastEventId`), the events still in history after that id are replayed first, in order; a `history-gap` event says when history could not cover the gap. `private:` channels need a bearer JWT whose `subscribe` claim lists them.',
  })
  @ApiBearerAuth()
  // A token only for `private:` channels: either the bearer token or nothing.
  @ApiSecurity({})
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
      'Same as the Last-Event-ID header, for clients that cannot set headers (the header wins when both are sent)',
    schema: { type: 'string', example: '1763894400000001' },
  })
  @ApiHeader({
    name: 'last-event-id',
    required: false,
    description:
      'Replay what came after this id (EventSource sends it on reconnect)',
    schema: { type: 'string', example: '1763894400000001' },
  })
  @ApiEventStream({
    events: {
      connected: ConnectedEventDto,
      'history-gap': HistoryGapEventDto,
      message: BROADCAST_PAYLOAD,
    },
    otherEvents: BROADCAST_PAYLOAD,
  })
  @ApiStreamErrors()
  stream(
    @Query('channel') channel?: string | string[],
    // The Last-Event-ID header, else ?lastEventId= (the header wins).
    @LastEventId() lastEventId?: string,
    // For the `authorize` option (private channels need a token).
    @Req() request?: unknown,
  ): Observable<SseFrame> {
    return this.broadcast.stream({
      channels: parseChannels(channel),
      lastEventId,
      request,
    });
  }
}

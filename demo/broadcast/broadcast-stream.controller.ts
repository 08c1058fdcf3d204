import { Controller, Query, Req, Sse } from '@nestjs/common';
import {
  ApiBearerAuth,
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
  // connected, history-gap and stream-error, and the optional Last-Event-ID
  // header and ?lastEventId= that @LastEventId() reads: documented by
  // @ApiEventStream() itself.
  @ApiEventStream({
    events: { message: BROADCAST_PAYLOAD },
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
    return broadcastStream(this.broadcast, channel, lastEventId, request);
  }
}

/** The broadcast stream of one request: its channels, its replay, its user. */
export function broadcastStream(
  broadcast: BroadcastService,
  channel: string | string[] | undefined,
  lastEventId: string | undefined,
  request: unknown,
): Observable<SseFrame> {
  return broadcast.stream({
    channels: parseChannels(channel),
    lastEventId,
    // For the `authorize` and `identify` options.
    request,
  });
}

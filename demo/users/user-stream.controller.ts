import { Controller, Query, Req, Sse, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import type { SseFrame } from '../../src/index.js';
import { BroadcastService, LastEventId } from '../../src/index.js';
import { ApiEventStream } from '../../src/swagger/index.js';
import { TOKEN_COOKIE, TOKEN_QUERY } from '../auth/access-tokens.js';
import { ApiUserStreamErrors } from '../common/api-errors.js';
import { broadcastStream } from '../broadcast/broadcast-stream.controller.js';
import { SignedInGuard } from './signed-in.guard.js';

/** The data of an event for the user: whatever `POST /api/broadcast` was given. */
const USER_PAYLOAD = {
  description: 'The `data` given to POST /api/broadcast',
  example: { text: 'hello alice' },
};

@ApiTags('SSE')
@Controller('sse')
export class UserStreamController {
  constructor(private readonly broadcast: BroadcastService) {}

  /**
   * The broadcast stream of a signed-in user: what everyone gets, their
   * channels, and the events addressed to them (`POST /api/broadcast` with
   * `user`). Anonymous requests get a 401.
   */
  @Sse('user')
  @UseGuards(SignedInGuard)
  @ApiOperation({
    operationId: 'streamUserEvents',
    summary: "A signed-in user's stream",
    description:
      "Like /sse/broadcast, for a user only: the JWT's `sub` names the stream's user, and events POSTed with `user` set to it arrive here (on every instance), events with `exceptUser` set to it do not. Prefer the `Authorization` header; same-origin pages send the `sse_token` cookie set by POST /api/login; `?access_token=` is for EventSource on another origin (it ends up in access logs of proxies: keep such tokens short-lived).",
  })
  // Listed in this order in the document (decorators apply bottom up):
  // the header first, the query last.
  @ApiSecurity(TOKEN_QUERY)
  @ApiCookieAuth(TOKEN_COOKIE)
  @ApiBearerAuth()
  @ApiQuery({
    name: 'channel',
    required: false,
    description: 'Channels to subscribe to as well',
    type: String,
    isArray: true,
  })
  // connected, history-gap and stream-error, and what @LastEventId() reads:
  // documented by @ApiEventStream() itself.
  @ApiEventStream({
    events: { message: USER_PAYLOAD },
    otherEvents: USER_PAYLOAD,
  })
  @ApiUserStreamErrors()
  stream(
    @Query('channel') channel?: string | string[],
    @LastEventId() lastEventId?: string,
    @Req() request?: unknown,
  ): Observable<SseFrame> {
    return broadcastStream(this.broadcast, channel, lastEventId, request);
  }
}

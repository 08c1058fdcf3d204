import { Controller, Headers, Sse } from '@nestjs/common';
import { BroadcastService } from 'nestjs-sse-broadcast';

// #region feed
@Controller()
export class FeedController {
  constructor(private readonly broadcast: BroadcastService) {}

  @Sse('feed')
  feed(@Headers('last-event-id') lastEventId?: string) {
    return this.broadcast.stream({ lastEventId });
  }
}
// #endregion feed

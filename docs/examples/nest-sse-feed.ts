import { Controller, Sse } from '@nestjs/common';
import { BroadcastService, LastEventId } from 'nestjs-sse-broadcast';

// #region feed
@Controller()
export class FeedController {
  constructor(private readonly broadcast: BroadcastService) {}

  @Sse('feed')
  feed(@LastEventId() lastEventId?: string) {
    return this.broadcast.stream({ lastEventId });
  }
}
// #endregion feed

import { Body, Controller, Module, Post, Query, Sse } from '@nestjs/common';
import {
  BroadcastService,
  LastEventId,
  SseModule,
  SseRoute,
} from '../../src/index.js';
import { RecordingBroadcastService } from '../../src/testing/index.js';

/** A controller as an app writes it: `@SseRoute()`, Nest's `@Sse()`, a publish route. */
@Controller()
export class FeedController {
  constructor(private readonly broadcast: BroadcastService) {}

  @SseRoute('feed')
  feed(
    @Query('channel') channel?: string,
    @LastEventId() lastEventId?: string,
  ) {
    return this.broadcast.stream({
      channels: channel ? [channel] : [],
      lastEventId,
    });
  }

  @Sse('nest-feed')
  nestFeed() {
    return this.broadcast.stream();
  }

  @Post('notify')
  async notify(@Body() body: { text: string }) {
    const id = await this.broadcast.publish({
      event: 'notice',
      data: body,
      channel: 'news',
    });
    return { id };
  }
}

/** The app: `SseModule` and the controller. */
@Module({
  imports: [SseModule.forRoot({ retryMs: 1500 })],
  controllers: [FeedController],
})
export class FeedAppModule {}

/** What a unit test of the controller compiles: no `SseModule`, a double. */
@Module({
  controllers: [FeedController],
  providers: [
    { provide: BroadcastService, useClass: RecordingBroadcastService },
  ],
})
export class FeedWithoutSseModule {}

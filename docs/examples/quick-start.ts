import { Body, Controller, Module, Post, Query } from '@nestjs/common';
import {
  BroadcastService,
  LastEventId,
  SseModule,
  SseRoute,
} from 'nestjs-sse-broadcast';

@Controller()
export class FeedController {
  constructor(private readonly broadcast: BroadcastService) {}

  @SseRoute('feed') // GET /feed, text/event-stream
  feed(
    @Query('channel') channel?: string,
    @LastEventId() lastEventId?: string,
  ) {
    return this.broadcast.stream({
      channels: channel ? [channel] : [],
      lastEventId,
    });
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

@Module({
  imports: [SseModule.forRoot({ keepAliveSeconds: 15 })],
  controllers: [FeedController],
})
export class AppModule {}

import { Body, Controller, Module, Post, Query } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { concat, of, throwError } from 'rxjs';
import type { SseMessage } from '../../src/index.js';
import {
  BroadcastService,
  LastEventId,
  SseModule,
  SseRoute,
} from '../../src/index.js';
import { ApiEventStream } from '../../src/swagger/index.js';

class NoticeDto {
  @ApiProperty()
  text: string;
}

/**
 * The README's controller, documented with `@ApiEventStream()` and nothing
 * else: no `@ApiQuery()`, no `@ApiHeader()`, none of the library's events
 * declared. And a stream of its own that fails once its headers are out.
 */
@Controller()
export class ReadmeFeedController {
  constructor(private readonly broadcast: BroadcastService) {}

  @SseRoute('feed')
  @ApiEventStream({ events: { notice: NoticeDto } })
  feed(
    @Query('channel') channel?: string,
    @LastEventId() lastEventId?: string,
  ) {
    return this.broadcast.stream({
      channels: channel ? [channel] : [],
      lastEventId,
    });
  }

  @SseRoute('failing')
  @ApiEventStream({ events: { tick: { type: 'integer' } }, broadcast: false })
  failing(): Observable<SseMessage> {
    return concat(
      of({ type: 'tick', data: 1 }),
      throwError(() => new Error('the source failed')),
    );
  }

  @Post('notify')
  async notify(@Body() body: NoticeDto) {
    const id = await this.broadcast.publish({
      event: 'notice',
      data: body,
      channel: 'news',
    });
    return { id };
  }
}

@Module({
  imports: [SseModule.forRoot()],
  controllers: [ReadmeFeedController],
})
export class ReadmeFeedModule {}

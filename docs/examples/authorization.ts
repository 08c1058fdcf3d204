import {
  Controller,
  Module,
  Query,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request } from 'express';
import { BroadcastService, SseModule, SseRoute } from 'nestjs-sse-broadcast';

/** What your authentication middleware puts on the request. */
interface SignedInRequest extends Request {
  user?: { channels: string[] };
}

@Controller()
export class PrivateFeedController {
  constructor(private readonly broadcast: BroadcastService) {}

  @SseRoute('feed')
  feed(@Query('channel') channel: string, @Req() request: Request) {
    // `request` lets `authorize` decide; without it, stream() throws.
    return this.broadcast.stream({
      channels: channel ? [channel] : [],
      request,
    });
  }
}

@Module({
  imports: [
    SseModule.forRoot({
      // Public channels for everyone; "private:*" ones only for a user allowed to read them.
      authorize: (request, channels) => {
        const privates = channels.filter((c) => c.startsWith('private:'));
        if (privates.length === 0) return true;
        const user = (request as SignedInRequest).user;
        if (!user)
          throw new UnauthorizedException('Sign in to read private channels');
        return privates.every((c) => user.channels.includes(c));
      },
    }),
  ],
  controllers: [PrivateFeedController],
})
export class AppModule {}

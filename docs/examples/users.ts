import {
  Body,
  Controller,
  Module,
  Post,
  Query,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request } from 'express';
import { BroadcastService, SseModule, SseRoute } from 'nestjs-sse-broadcast';

/** What your authentication (a guard, Passport, a middleware) puts on the request. */
interface SignedInRequest extends Request {
  user?: { id: string };
}

@Controller()
export class NotificationsController {
  constructor(private readonly broadcast: BroadcastService) {}

  /** Every tab of every signed-in user opens this. */
  @SseRoute('notifications')
  stream(@Req() request: Request, @Query('channel') channel?: string) {
    // `request` lets `identify` say whose stream it is.
    return this.broadcast.stream({
      channels: channel ? [channel] : [],
      request,
    });
  }

  /** A chat message: to everyone in the room but the tab that sent it. */
  @Post('rooms/message')
  async send(
    @Req() request: SignedInRequest,
    @Body() body: { room: string; text: string; clientId?: string },
  ) {
    if (!request.user) throw new UnauthorizedException();
    const id = await this.broadcast.publish({
      event: 'chat',
      data: { from: request.user.id, text: body.text },
      channel: body.room,
      // The `clientId` the sending tab got in its `connected` event.
      exceptClient: body.clientId,
    });
    return { id };
  }
}

/** Anywhere in the app: one user's streams, on every instance. */
export async function notifyOrderShipped(
  broadcast: BroadcastService,
  userId: string,
  orderId: string,
): Promise<void> {
  await broadcast.publish({
    event: 'order-shipped',
    data: { orderId },
    user: userId,
  });
}

@Module({
  imports: [
    SseModule.forRoot({
      // Runs before any byte of the stream, where `authorize` runs.
      // undefined: an anonymous stream (user events never reach it).
      identify: (request) => (request as SignedInRequest).user?.id,
    }),
  ],
  controllers: [NotificationsController],
})
export class AppModule {}

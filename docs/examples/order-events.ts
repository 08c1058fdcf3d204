import { Injectable } from '@nestjs/common';
import { BroadcastService } from 'nestjs-sse-broadcast';

/** Code of yours that publishes: tell every client of a channel. */
@Injectable()
export class OrderEvents {
  constructor(private readonly broadcast: BroadcastService) {}

  shipped(orderId: string): Promise<string> {
    return this.broadcast.publish({
      event: 'order-shipped',
      data: { orderId },
      channel: `orders:${orderId}`,
    });
  }
}

import { Controller, Get } from '@nestjs/common';
import { BroadcastService, SseStreams } from 'nestjs-sse-broadcast';

@Controller('health')
export class HealthController {
  constructor(
    private readonly broadcast: BroadcastService,
    private readonly streams: SseStreams,
  ) {}

  @Get()
  health() {
    return {
      streams: this.streams.stats, // { open, opened, dropped }
      clients: this.broadcast.connectedClients, // { total, channels: { name: count } }
    };
  }
}

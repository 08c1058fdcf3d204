import { Controller, Sse } from '@nestjs/common';
import { BroadcastService } from 'nestjs-sse-broadcast';

@Controller()
export class NestSseController {
  constructor(private readonly broadcast: BroadcastService) {}

  // Nest's own @Sse() works too: stream() emits MessageEvent-compatible objects.
  @Sse('updates')
  updates() {
    return this.broadcast.stream({ channels: ['updates'] });
  }
}

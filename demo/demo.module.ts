import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { SseModule } from '../src/index.js';
import { BroadcastApiController } from './broadcast/broadcast-api.controller.js';
import { BroadcastStreamController } from './broadcast/broadcast-stream.controller.js';
import { BROADCAST_TOKEN } from './broadcast/bearer-token.guard.js';
import type { DemoConfig } from './demo-config.js';
import { TicksController } from './ticks/ticks.controller.js';

@Module({})
export class DemoModule {
  static forRoot(config: DemoConfig): DynamicModule {
    return {
      module: DemoModule,
      imports: [
        SseModule.forRoot({
          keepAliveSeconds: config.keepAliveSeconds,
          historySize: config.historySize,
          maxClients: config.maxClients,
        }),
      ],
      controllers: [
        TicksController,
        BroadcastStreamController,
        BroadcastApiController,
      ],
      providers: [
        { provide: BROADCAST_TOKEN, useValue: config.broadcastToken },
      ],
    };
  }
}

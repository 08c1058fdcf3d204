import 'reflect-metadata';
import type { MessageEvent } from '@nestjs/common';
import {
  Body,
  Controller,
  HttpCode,
  Module,
  Post,
  Query,
  Sse,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { BroadcastMessage } from '../../src/index.js';
import { BroadcastService, LastEventId, SseModule } from '../../src/index.js';
import type { TestApp } from '../support/test-app.js';
import { startTestApp } from '../support/test-app.js';

/** Stands in for an app's own config provider. */
export const FIXTURE_CONFIG = Symbol('FIXTURE_CONFIG');
export interface FixtureConfig {
  keepAliveSeconds: number;
  retryMs: number;
}

/** The textbook use: Nest's own `@Sse()` returning `BroadcastService.stream()`. */
@Controller()
class EventsController {
  constructor(private readonly broadcast: BroadcastService) {}

  @Sse('events')
  events(
    @Query('channel') channel?: string,
    @LastEventId() lastEventId?: string,
  ): Observable<MessageEvent> {
    return this.broadcast.stream({
      channels: channel ? channel.split(',') : [],
      lastEventId,
    });
  }

  @Post('publish')
  @HttpCode(202)
  async publish(@Body() body: BroadcastMessage) {
    return { id: await this.broadcast.publish(body) };
  }
}

@Module({
  providers: [
    {
      provide: FIXTURE_CONFIG,
      useValue: { keepAliveSeconds: 1, retryMs: 1500 },
    },
  ],
  exports: [FIXTURE_CONFIG],
})
class FixtureConfigModule {}

@Module({
  imports: [
    SseModule.forRootAsync({
      imports: [FixtureConfigModule],
      inject: [FIXTURE_CONFIG],
      useFactory: (config: FixtureConfig) => ({ ...config }),
    }),
  ],
  controllers: [EventsController],
})
class NestSseFixtureModule {}

/** The fixture app on a free loopback port. */
export const startNestSseFixture = (): Promise<TestApp> =>
  startTestApp(NestSseFixtureModule);

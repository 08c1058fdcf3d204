import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Controller, Query, Sse } from '@nestjs/common';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Observable } from 'rxjs';
import { firstValueFrom, of } from 'rxjs';
import { BroadcastService } from '../broadcast/broadcast.service.js';
import { SseFrame } from '../framing/sse-frame.js';
import { LastEventId } from './last-event-id.decorator.js';
import { SseRoute } from './sse-route.decorator.js';
import { SseRouteInterceptor } from './sse-route.interceptor.js';

const FRAME = SseFrame.from({ type: 'notice', data: 'hi' });

/** A controller as an app writes it: `@SseRoute()` and Nest's own `@Sse()`. */
@Controller()
class FeedController {
  constructor(private readonly broadcast: BroadcastService) {}

  @SseRoute('feed')
  feed(
    @Query('channel') channel?: string,
    @LastEventId() lastEventId?: string,
  ): Observable<SseFrame> {
    return this.broadcast.stream({
      channels: channel ? [channel] : [],
      lastEventId,
    });
  }

  @Sse('nest-feed')
  nestFeed(): Observable<SseFrame> {
    return this.broadcast.stream();
  }
}

/** The double a test provides in place of the real service. */
const calls: unknown[] = [];
const broadcastDouble = {
  stream: (options: unknown) => {
    calls.push(options);
    return of(FRAME);
  },
};

describe('SseRouteInterceptor without SseModule (a unit test of a controller)', () => {
  it('lets Test.createTestingModule compile a controller with @SseRoute() and @Sse() routes, BroadcastService provided as a double', async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [FeedController],
      providers: [{ provide: BroadcastService, useValue: broadcastDouble }],
    }).compile();
    await moduleRef.init();
    const controller = moduleRef.get(FeedController);

    // Called directly, as unit tests call handlers: what the double returns.
    assert.equal(await firstValueFrom(controller.feed('news', '42')), FRAME);
    assert.deepEqual(calls.at(-1), { channels: ['news'], lastEventId: '42' });
    assert.equal(await firstValueFrom(controller.nestFeed()), FRAME);
    await moduleRef.close();
  });

  it('fails a request with a message that names SseModule and what to import', async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [FeedController],
      providers: [{ provide: BroadcastService, useValue: broadcastDouble }],
    }).compile();
    const interceptor = moduleRef.get(SseRouteInterceptor);
    const context = {
      getClass: () => FeedController,
      getHandler: () => FeedController.prototype.feed,
    } as unknown as ExecutionContext;
    const next: CallHandler = {
      handle: () => assert.fail('the handler must not run'),
    };
    assert.throws(() => interceptor.intercept(context, next), {
      message:
        '@SseRoute() FeedController.feed needs SseModule: add SseModule.forRoot() to the imports of the app module (or of this module, with isGlobal: false)',
    });
    await moduleRef.close();
  });
});

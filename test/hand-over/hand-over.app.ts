import 'reflect-metadata';
import type {
  CallHandler,
  ExecutionContext,
  NestInterceptor,
} from '@nestjs/common';
import {
  Body,
  Controller,
  HttpCode,
  Injectable,
  Module,
  Post,
  UseInterceptors,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { map, of, tap } from 'rxjs';
import type {
  BroadcastMessage,
  SseFrame,
  SseMessage,
} from '../../src/index.js';
import { BroadcastService, SseModule, SseRoute } from '../../src/index.js';
import type { TestApp } from '../support/test-app.js';
import { startTestApp } from '../support/test-app.js';

/** What the outer interceptor saw, per request, in order. */
export const outerLog: string[] = [];
/** The execution context of each request the outer interceptor saw. */
export const contexts: WeakRef<ExecutionContext>[] = [];

/** An interceptor around `@SseRoute()` (declared below it, the usual place). */
@Injectable()
class OuterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    contexts.push(new WeakRef(context));
    outerLog.push('start');
    return next.handle().pipe(
      tap({
        next: () => outerLog.push('next'),
        complete: () => outerLog.push('complete'),
      }),
    );
  }
}

/** An interceptor inside `@SseRoute()` (declared above it): it sees the frames. */
@Injectable()
class ShoutInterceptor implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler): Observable<SseMessage> {
    return next.handle().pipe(
      map((message: SseMessage) => ({
        ...message,
        data: String(message.data).toUpperCase(),
      })),
    );
  }
}

@Controller()
class HandOverController {
  constructor(private readonly broadcast: BroadcastService) {}

  @SseRoute('broadcast')
  @UseInterceptors(OuterInterceptor)
  stream(): Observable<SseFrame> {
    return this.broadcast.stream();
  }

  @UseInterceptors(ShoutInterceptor)
  @SseRoute('shout')
  shout(): Observable<SseMessage> {
    return of({ type: 'word', data: 'hello' }, { type: 'word', data: 'world' });
  }

  @Post('publish')
  @HttpCode(202)
  async publish(@Body() body: BroadcastMessage) {
    return { id: await this.broadcast.publish(body) };
  }
}

@Module({
  imports: [SseModule.forRoot({ keepAliveSeconds: 0 })],
  controllers: [HandOverController],
})
class HandOverModule {}

/** The fixture app on a free loopback port. */
export const startHandOverFixture = (): Promise<TestApp> =>
  startTestApp(HandOverModule);

import 'reflect-metadata';
import type {
  CallHandler,
  CanActivate,
  ExceptionFilter,
  ArgumentsHost,
  MessageEvent,
  NestInterceptor,
  ExecutionContext,
} from '@nestjs/common';
import {
  Body,
  Catch,
  Controller,
  HttpCode,
  Injectable,
  Module,
  ParseIntPipe,
  Query,
  RequestMethod,
  Sse,
  SseSignal,
  UnauthorizedException,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { EMPTY, NEVER, Observable, map, of, tap, throwError } from 'rxjs';
import {
  BroadcastService,
  LastEventId,
  SseModule,
  SseRoute,
} from '../../src/index.js';
import type { TestApp } from '../support/test-app.js';
import { createTestApp } from '../support/test-app.js';

/** Abort events seen by `@SseSignal()` handlers, by route. */
export const aborted: string[] = [];
/** What the logging interceptor saw, in order. */
export const intercepted: string[] = [];

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    throw new UnauthorizedException('no token');
  }
}

class TeapotError extends Error {}

@Catch(TeapotError)
class TeapotFilter implements ExceptionFilter {
  catch(_: TeapotError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{
      status?: (code: number) => unknown;
      code?: (code: number) => unknown;
    }>();
    // Express's res.status(), Fastify's reply.code()
    const r = (response.code ?? response.status)!.call(response, 418) as {
      send: (body: unknown) => void;
    };
    r.send({ teapot: true });
  }
}

@Injectable()
class LoggingInterceptor implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
    intercepted.push('start');
    return next.handle().pipe(
      tap({
        next: () => intercepted.push('next'),
        complete: () => intercepted.push('complete'),
      }),
    );
  }
}

@Injectable()
class ShoutInterceptor implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((m: MessageEvent) => ({
        ...m,
        data: String(m?.data).toUpperCase(),
      })),
    );
  }
}

/** Stock Nest `@Sse()` routes, as an app written without this library has them. */
@Controller()
export class StockSseController {
  constructor(private readonly broadcast: BroadcastService) {}

  @Sse('events')
  events(): Observable<MessageEvent> {
    return this.broadcast.stream();
  }

  /** The broadcast stream resumed after the client's position. */
  @Sse('resume')
  resume(@LastEventId() lastEventId?: string): Observable<MessageEvent> {
    return this.broadcast.stream({ lastEventId });
  }

  @Sse('guarded')
  @UseGuards(DenyGuard)
  guarded(): Observable<MessageEvent> {
    return this.broadcast.stream();
  }

  @Sse('validated')
  validated(@Query('n', ParseIntPipe) n: number): Observable<MessageEvent> {
    return of({ data: String(n) });
  }

  @Sse('teapot')
  @UseFilters(TeapotFilter)
  teapot(): Observable<MessageEvent> {
    return throwError(() => new TeapotError());
  }

  @Sse('empty')
  @HttpCode(204)
  empty(): Observable<MessageEvent> {
    return EMPTY;
  }

  /** The same as `plain`, declared the library's way. */
  @SseRoute('plain-route')
  plainRoute(): Observable<MessageEvent> {
    return of({ data: 'a' }, { data: 'b' });
  }

  @Sse('shout')
  @UseInterceptors(LoggingInterceptor, ShoutInterceptor)
  shout(): Observable<MessageEvent> {
    return of({ data: 'hello' });
  }

  @Sse('empty-default')
  emptyDefault(): Observable<MessageEvent> {
    return EMPTY;
  }

  @Sse('created')
  @HttpCode(201)
  created(): Observable<MessageEvent> {
    return of({ data: 'x' });
  }

  @Sse('late-error')
  lateError(): Observable<MessageEvent> {
    return new Observable<MessageEvent>((s) => {
      s.next({ data: 'first' });
      setTimeout(() => s.error(new Error('boom')), 20);
    });
  }

  @Sse('echo', { method: RequestMethod.POST })
  echo(@Body() body: { text: string }): Observable<MessageEvent> {
    return of({ data: body.text });
  }

  @Sse('signal')
  async signal(
    @SseSignal() signal: AbortSignal,
  ): Promise<Observable<MessageEvent>> {
    signal.addEventListener('abort', () => aborted.push('signal'));
    await Promise.resolve();
    return NEVER;
  }
}

/** Needs nothing of the library: used by an app with `SseModule` and one without. */
@Controller()
export class PlainSseController {
  @Sse('plain')
  plain(): Observable<MessageEvent> {
    return of({ data: 'a' }, { data: 'b' });
  }
}

/** An `@Sse()` method two controllers inherit. */
class InheritedStream {
  @Sse('inherited')
  inherited(): Observable<MessageEvent> {
    return of({ data: 'i' });
  }
}

@Controller('one')
class FirstHeir extends InheritedStream {}

@Controller('two')
class SecondHeir extends InheritedStream {}

@Module({
  imports: [SseModule.forRoot({ keepAliveSeconds: 30 })],
  controllers: [StockSseController, PlainSseController, FirstHeir, SecondHeir],
})
class WithSseModule {}

@Module({
  imports: [
    SseModule.forRoot({ keepAliveSeconds: 30, adoptNestSse: 'always' }),
  ],
  controllers: [StockSseController],
})
class AdoptingAlways {}

@Module({
  imports: [SseModule.forRoot({ keepAliveSeconds: 30, adoptNestSse: false })],
  controllers: [StockSseController],
})
class AdoptingNone {}

@Module({ controllers: [PlainSseController] })
class WithoutSseModule {}

const FIXTURES = {
  /** `SseModule` with its defaults. */
  default: WithSseModule,
  always: AdoptingAlways,
  none: AdoptingNone,
  /** `SseModule` with its defaults, and a global interceptor. */
  globalInterceptor: WithSseModule,
  without: WithoutSseModule,
};

/** One of the fixture apps on a free loopback port. */
export async function startAdoptionFixture(
  fixture: keyof typeof FIXTURES = 'default',
): Promise<TestApp> {
  const app = await createTestApp(FIXTURES[fixture]);
  if (fixture === 'globalInterceptor') {
    app.useGlobalInterceptors(new LoggingInterceptor());
  }
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

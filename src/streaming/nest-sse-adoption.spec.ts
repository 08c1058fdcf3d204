import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallHandler, NestInterceptor } from '@nestjs/common';
import {
  Controller,
  Get,
  HttpCode,
  Next,
  Query,
  Res,
  Sse,
  SseSignal,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import {
  GUARDS_METADATA,
  HTTP_CODE_METADATA,
  PATH_METADATA,
} from '@nestjs/common/constants.js';
import { isAdoptedSseHandler } from './adopted-sse-route.js';
import type { AdoptionOptions } from './nest-sse-adoption.js';
import { adoptNestSseRoutes } from './nest-sse-adoption.js';
import {
  INTERCEPTORS_METADATA,
  ROUTE_ARGS_METADATA,
  RouteParamtypes,
  SSE_METADATA,
  SSE_OPTIONS_METADATA,
} from './nest-metadata-keys.js';
import { SseRoute } from './sse-route.decorator.js';
import { SseRouteInterceptor } from './sse-route.interceptor.js';
import type { StreamRegistry } from './stream.registry.js';

class OwnInterceptor implements NestInterceptor {
  intercept(_: unknown, next: CallHandler) {
    return next.handle();
  }
}
class AllowGuard {
  canActivate() {
    return true;
  }
}

@Controller()
class Stock {
  @Sse('events', { maxPendingDataLength: 64 })
  @HttpCode(200)
  @UseGuards(AllowGuard)
  events(@Query('n') n?: string) {
    return `events ${n}`;
  }

  @Get('plain')
  plain() {
    return 'plain';
  }

  @Sse('shout')
  @UseInterceptors(OwnInterceptor)
  shout() {
    return 'shout';
  }

  @Sse('own-response')
  ownResponse(@Res() response: unknown) {
    return response;
  }

  @Sse('own-next')
  ownNext(@Next() next: unknown) {
    return next;
  }

  @Sse('signal')
  signal(@SseSignal() signal?: AbortSignal) {
    return signal;
  }

  @SseRoute('route')
  @UseGuards(AllowGuard)
  route(@Query('n') n?: string) {
    return `route ${n}`;
  }

  @SseRoute('intercepted-route')
  @UseInterceptors(OwnInterceptor)
  interceptedRoute() {
    return 'intercepted route';
  }
}

@Controller()
@UseInterceptors(OwnInterceptor)
class Intercepted {
  @Sse('events')
  events() {
    return 'events';
  }
}

class Base {
  @Sse('inherited')
  inherited() {
    return 'inherited';
  }
}
@Controller('base')
class BaseController extends Base {}
@Controller('child')
class ChildController extends BaseController {}

// Stands in for the app's interceptor: only its identity is read here.
const interceptor = Object.create(
  SseRouteInterceptor.prototype,
) as SseRouteInterceptor;

/** Stands in for the app's registry: hands back what the handler returned. */
const registry = {
  perAddress: false,
  serveResult: (_route: unknown, result: unknown) => result,
} as unknown as StreamRegistry;

/** A response as a handler gets it (its request is all a HEAD check reads). */
const response = { req: { method: 'GET' } };

type Instance = Record<string, (...args: unknown[]) => unknown>;

/** A controller as `DiscoveryService.getControllers()` lists it. */
const wrapper = (instance: object, isStatic = true) =>
  ({ instance, isDependencyTreeStatic: () => isStatic }) as never;

function adopt(instances: object[], options: Partial<AdoptionOptions> = {}) {
  return adoptNestSseRoutes({
    controllers: instances.map((instance) => wrapper(instance)),
    interceptor,
    registry,
    adoptSse: true,
    evenIntercepted: false,
    globalInterceptors: false,
    ...options,
  });
}

/** The indexes of the response parameters of `type.method`. */
function responseParams(type: object, method: string): number[] {
  const params: Record<string, { index: number }> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, type, method) ?? {};
  return Object.entries(params)
    .filter(([key]) => Number(key.split(':')[0]) === RouteParamtypes.RESPONSE)
    .map(([, param]) => param.index);
}

describe('adoptNestSseRoutes', () => {
  it('gives the controller instance a plain route handler in place of each @Sse() method, which serves it without an interceptor when none applies', () => {
    const stock = new Stock() as unknown as Instance;
    const result = adopt([stock]);
    assert.deepEqual(result.adopted, ['Stock.events', 'Stock.signal']);
    assert.deepEqual(result.direct, ['Stock.events', 'Stock.route']);
    const handler = stock.events;
    assert.ok(Object.prototype.hasOwnProperty.call(stock, 'events'));
    assert.notEqual(handler, Stock.prototype.events);
    assert.equal(handler.name, 'events');
    assert.equal(isAdoptedSseHandler(handler), true);
    assert.equal(Reflect.getMetadata(SSE_METADATA, handler), undefined);
    assert.equal(Reflect.getMetadata(SSE_OPTIONS_METADATA, handler), undefined);
    assert.equal(
      Reflect.getMetadata(INTERCEPTORS_METADATA, handler),
      undefined,
    );
    // The rest of the method's metadata goes with it.
    assert.equal(Reflect.getMetadata(PATH_METADATA, handler), 'events');
    assert.equal(Reflect.getMetadata(HTTP_CODE_METADATA, handler), 200);
    assert.deepEqual(Reflect.getMetadata(GUARDS_METADATA, handler), [
      AllowGuard,
    ]);
    // The prototype, which other apps of the process share, keeps @Sse().
    assert.equal(
      Reflect.getMetadata(SSE_METADATA, Stock.prototype.events),
      true,
    );
    assert.equal(isAdoptedSseHandler(Stock.prototype.events), false);
    // A response parameter past the method's own, so Nest sends nothing after the stream.
    assert.deepEqual(responseParams(Stock, 'events'), [1]);
    // The handler still runs the method, on its instance, and serves what it returns.
    assert.equal(handler.call(stock, '3', response), 'events 3');
  });

  it("puts this app's interceptor innermost on an @Sse() route that reads @SseSignal() (it sets the signal up)", () => {
    const stock = new Stock() as unknown as Instance;
    adopt([stock]);
    assert.equal(isAdoptedSseHandler(stock.signal), true);
    assert.deepEqual(Reflect.getMetadata(INTERCEPTORS_METADATA, stock.signal), [
      interceptor,
    ]);
  });

  it('serves an @SseRoute() method without its interceptor when no other applies, and leaves the others', () => {
    const stock = new Stock() as unknown as Instance;
    adopt([stock]);
    assert.ok(Object.prototype.hasOwnProperty.call(stock, 'route'));
    assert.equal(
      Reflect.getMetadata(INTERCEPTORS_METADATA, stock.route),
      undefined,
    );
    assert.deepEqual(Reflect.getMetadata(GUARDS_METADATA, stock.route), [
      AllowGuard,
    ]);
    assert.equal(Reflect.getMetadata(PATH_METADATA, stock.route), 'route');
    assert.equal(isAdoptedSseHandler(stock.route), false);
    assert.equal(stock.route.call(stock, '5', response), 'route 5');
    assert.ok(!Object.prototype.hasOwnProperty.call(stock, 'interceptedRoute'));
    // Global interceptors apply to every route: they all keep theirs.
    const global = new Stock();
    adopt([global], { globalInterceptors: true });
    assert.ok(!Object.prototype.hasOwnProperty.call(global, 'route'));
  });

  it('answers HEAD on a directly served route without running the handler', () => {
    const stock = new Stock() as unknown as Instance;
    adopt([stock]);
    const headers: Record<string, unknown> = {};
    let ended = false;
    const head = {
      req: { method: 'HEAD', httpVersionMajor: 1 },
      setHeader: (name: string, value: unknown) => (headers[name] = value),
      hasHeader: (name: string) => name in headers,
      removeHeader: (name: string) => delete headers[name],
      end: () => (ended = true),
    };
    assert.equal(stock.route.call(stock, '5', head), undefined);
    assert.equal(ended, true);
    assert.match(String(headers['Content-Type']), /^text\/event-stream/);
  });

  it('adds the response parameter once for every app of the process', () => {
    const [first, second] = [new Stock(), new Stock()] as unknown as Instance[];
    adopt([first]);
    adopt([second]);
    assert.deepEqual(responseParams(Stock, 'events'), [1]);
    assert.notEqual(first.events, second.events);
    assert.equal(isAdoptedSseHandler(second.events), true);
  });

  it('leaves other routes, and @Sse() methods that take the response or next themselves', () => {
    const stock = new Stock();
    adopt([stock]);
    for (const name of ['plain', 'ownResponse', 'ownNext']) {
      assert.ok(!Object.prototype.hasOwnProperty.call(stock, name), name);
    }
    assert.deepEqual(responseParams(Stock, 'ownResponse'), [0]);
    assert.deepEqual(responseParams(Stock, 'plain'), []);
  });

  it('leaves the routes interceptors apply to (method, class, global), unless told to adopt them too', () => {
    const stock = new Stock() as unknown as Instance;
    const intercepted = new Intercepted() as unknown as Instance;
    const left = adopt([stock, intercepted]);
    assert.deepEqual(left.intercepted, ['Stock.shout', 'Intercepted.events']);
    assert.ok(!Object.prototype.hasOwnProperty.call(stock, 'shout'));
    assert.ok(!Object.prototype.hasOwnProperty.call(intercepted, 'events'));

    const global = adopt([new Stock()], { globalInterceptors: true });
    assert.deepEqual(global.adopted, []);
    assert.deepEqual(global.intercepted, [
      'Stock.events',
      'Stock.shout',
      'Stock.signal',
    ]);

    const always = new Stock() as unknown as Instance;
    const result = adopt([always], {
      evenIntercepted: true,
      globalInterceptors: true,
    });
    assert.deepEqual(result.adopted, [
      'Stock.events',
      'Stock.shout',
      'Stock.signal',
    ]);
    // The route's own interceptors run first, around the hand-over.
    assert.deepEqual(Reflect.getMetadata(INTERCEPTORS_METADATA, always.shout), [
      OwnInterceptor,
      interceptor,
    ]);
  });

  it('leaves request-scoped controllers to Nest (built per request)', () => {
    const stock = new Stock();
    const result = adoptNestSseRoutes({
      controllers: [wrapper(stock, false)],
      interceptor,
      registry,
      adoptSse: true,
      evenIntercepted: false,
      globalInterceptors: false,
    });
    assert.deepEqual(result, { adopted: [], intercepted: [], direct: [] });
    assert.ok(!Object.prototype.hasOwnProperty.call(stock, 'events'));
  });

  it('adopts an inherited method for each controller, one response parameter each, in any order', () => {
    const child = new ChildController() as unknown as Instance;
    const base = new BaseController() as unknown as Instance;
    assert.deepEqual(adopt([child, base]).adopted, [
      'ChildController.inherited',
      'BaseController.inherited',
    ]);
    adopt([new BaseController(), new ChildController()]);
    assert.deepEqual(responseParams(ChildController, 'inherited'), [0]);
    assert.deepEqual(responseParams(BaseController, 'inherited'), [0]);
    assert.deepEqual(responseParams(Base, 'inherited'), []);
    assert.equal(isAdoptedSseHandler(child.inherited), true);
    assert.equal(isAdoptedSseHandler(base.inherited), true);
  });
});

import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallHandler, NestInterceptor } from '@nestjs/common';
import {
  Controller,
  Get,
  Next,
  Res,
  Sse,
  UseInterceptors,
} from '@nestjs/common';
import {
  INTERCEPTORS_METADATA,
  ROUTE_ARGS_METADATA,
  RouteParamtypes,
  SSE_METADATA,
  SSE_OPTIONS_METADATA,
} from './nest-metadata-keys.js';

class MarkerInterceptor implements NestInterceptor {
  intercept(_: unknown, next: CallHandler) {
    return next.handle();
  }
}

@Controller()
@UseInterceptors(MarkerInterceptor)
class Probe {
  @Get()
  @UseInterceptors(MarkerInterceptor)
  route(@Res() response: unknown) {
    return response;
  }

  @Get('next')
  withNext(@Next() next: unknown) {
    return next;
  }

  @Sse('events', { maxPendingDataLength: 64 })
  events() {
    return undefined;
  }
}

type RouteArgs = Record<string, { index: number }>;

// The keys come from Nest internals (`@nestjs/common/constants.js`,
// `enums/route-paramtypes.enum.js`): these fail when Nest moves or renames
// them, before `@SseRoute()` or the adoption of `@Sse()` silently would.
describe('Nest metadata keys read by @SseRoute() and the @Sse() adoption', () => {
  it('INTERCEPTORS_METADATA holds what @UseInterceptors() put on a method and a class', () => {
    assert.equal(typeof INTERCEPTORS_METADATA, 'string');
    assert.deepEqual(
      Reflect.getMetadata(INTERCEPTORS_METADATA, Probe.prototype.route),
      [MarkerInterceptor],
    );
    assert.deepEqual(Reflect.getMetadata(INTERCEPTORS_METADATA, Probe), [
      MarkerInterceptor,
    ]);
  });

  it('ROUTE_ARGS_METADATA holds the parameter @Res() declared', () => {
    assert.equal(typeof ROUTE_ARGS_METADATA, 'string');
    const params: RouteArgs | undefined = Reflect.getMetadata(
      ROUTE_ARGS_METADATA,
      Probe,
      'route',
    );
    assert.ok(params, 'no route arguments metadata');
    assert.deepEqual(
      Object.values(params).map((p) => p.index),
      [0],
    );
  });

  it('RouteParamtypes names the kind of @Res() and @Next() parameters in their keys', () => {
    const kinds = (method: string) =>
      Object.keys(
        Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, method) as RouteArgs,
      ).map((key) => Number(key.split(':')[0]));
    assert.deepEqual(kinds('route'), [RouteParamtypes.RESPONSE]);
    assert.deepEqual(kinds('withNext'), [RouteParamtypes.NEXT]);
  });

  it('SSE_METADATA and SSE_OPTIONS_METADATA hold what @Sse() put on a method', () => {
    assert.equal(typeof SSE_METADATA, 'string');
    assert.equal(typeof SSE_OPTIONS_METADATA, 'string');
    assert.equal(
      Reflect.getMetadata(SSE_METADATA, Probe.prototype.events),
      true,
    );
    assert.equal(
      Reflect.getMetadata(SSE_METADATA, Probe.prototype.route),
      undefined,
    );
    assert.deepEqual(
      Reflect.getMetadata(SSE_OPTIONS_METADATA, Probe.prototype.events),
      { maxPendingDataLength: 64 },
    );
  });
});

import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallHandler, NestInterceptor } from '@nestjs/common';
import { Controller, Get, Res, UseInterceptors } from '@nestjs/common';
import {
  INTERCEPTORS_METADATA,
  ROUTE_ARGS_METADATA,
} from './nest-metadata-keys.js';

class MarkerInterceptor implements NestInterceptor {
  intercept(_: unknown, next: CallHandler) {
    return next.handle();
  }
}

@Controller()
class Probe {
  @Get()
  @UseInterceptors(MarkerInterceptor)
  route(@Res() response: unknown) {
    return response;
  }
}

// The keys come from a Nest internal (`@nestjs/common/constants.js`): these
// fail when Nest moves or renames them, before `@SseRoute()` silently would.
describe('Nest metadata keys read by @SseRoute()', () => {
  it('INTERCEPTORS_METADATA holds what @UseInterceptors() put on a method', () => {
    assert.equal(typeof INTERCEPTORS_METADATA, 'string');
    const interceptors: unknown = Reflect.getMetadata(
      INTERCEPTORS_METADATA,
      Probe.prototype.route,
    );
    assert.deepEqual(interceptors, [MarkerInterceptor]);
  });

  it('ROUTE_ARGS_METADATA holds the parameter @Res() declared', () => {
    assert.equal(typeof ROUTE_ARGS_METADATA, 'string');
    const params: Record<string, { index: number }> | undefined =
      Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'route');
    assert.ok(params, 'no route arguments metadata');
    assert.deepEqual(
      Object.values(params).map((p) => p.index),
      [0],
    );
  });
});

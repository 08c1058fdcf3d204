import type {
  DynamicModule,
  MiddlewareConsumer,
  NestModule,
} from '@nestjs/common';
import { Logger, Module } from '@nestjs/common';
import {
  ApplicationConfig,
  DiscoveryModule,
  DiscoveryService,
} from '@nestjs/core';
import { BroadcastService } from './broadcast/broadcast.service.js';
import { SsePresence } from './presence/sse-presence.js';
import {
  ResolvedSseOptions,
  resolveSseOptions,
} from './resolved-sse-options.js';
import type { SseModuleOptions } from './sse-module-options.js';
import {
  ConfigurableSseModule,
  SSE_MODULE_OPTIONS,
  SSE_MODULE_OPTIONS_TYPE,
} from './sse.module-definition.js';
import { adoptNestSseRoutes } from './streaming/nest-sse-adoption.js';
import { SseRouteInterceptor } from './streaming/sse-route.interceptor.js';
import { SseStreams } from './streaming/sse-streams.js';
import { StreamRegistry } from './streaming/stream.registry.js';
import { InMemoryTransport } from './transports/in-memory.transport.js';
import { SseTransport } from './transports/sse.transport.js';

/**
 * Server-Sent Events for the app: provides `BroadcastService`, `SsePresence`, `SseStreams`
 * and what `@SseRoute()` handlers need, and serves the app's Nest `@Sse()`
 * routes as `@SseRoute()` ones (option `adoptNestSse`). Global unless
 * `isGlobal: false`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: ResolvedSseOptions,
      useFactory: (options: SseModuleOptions) => resolveSseOptions(options),
      inject: [SSE_MODULE_OPTIONS],
    },
    {
      provide: SseTransport,
      useFactory: (options: SseModuleOptions) =>
        options.transport ?? new InMemoryTransport(),
      inject: [SSE_MODULE_OPTIONS],
    },
    BroadcastService,
    SsePresence,
    StreamRegistry,
    { provide: SseStreams, useExisting: StreamRegistry },
    SseRouteInterceptor,
  ],
  exports: [
    BroadcastService,
    SsePresence,
    SseTransport,
    ResolvedSseOptions,
    StreamRegistry,
    SseStreams,
  ],
})
export class SseModule extends ConfigurableSseModule implements NestModule {
  /**
   * Registers the module; every option has a default, so `forRoot()` with
   * no argument gives an in-memory transport, 15 s keep-alive and no limits.
   */
  static override forRoot(
    options: typeof SSE_MODULE_OPTIONS_TYPE = {},
  ): DynamicModule {
    return super.forRoot(options);
  }

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: ApplicationConfig,
    private readonly interceptor: SseRouteInterceptor,
    private readonly registry: StreamRegistry,
    private readonly options: ResolvedSseOptions,
  ) {
    super();
  }

  /**
   * Not for middleware: Nest calls it once the controllers are built and
   * before their routes are registered, the one moment the `@Sse()` routes
   * can be put on the fast path, and the routes no other interceptor
   * applies to can be served without one.
   */
  configure(_consumer: MiddlewareConsumer): void {
    const mode = this.options.adoptNestSse;
    const { intercepted } = adoptNestSseRoutes({
      controllers: this.discovery.getControllers(),
      interceptor: this.interceptor,
      registry: this.registry,
      adoptSse: mode !== false,
      evenIntercepted: mode === 'always',
      globalInterceptors:
        this.config.getGlobalInterceptors().length > 0 ||
        this.config.getGlobalRequestInterceptors().length > 0,
    });
    if (intercepted.length > 0) {
      new Logger('SseModule').log(
        `Left to Nest's @Sse(), as interceptors apply to them: ${intercepted.join(', ')} (adoptNestSse: 'always' serves them too; the interceptors then see no events)`,
      );
    }
  }
}

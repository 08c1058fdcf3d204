import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { BroadcastService } from './broadcast/broadcast.service.js';
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
import { SseStreams } from './streaming/sse-streams.js';
import { StreamRegistry } from './streaming/stream.registry.js';
import { InMemoryTransport } from './transports/in-memory.transport.js';
import { SseTransport } from './transports/sse.transport.js';

/**
 * Server-Sent Events for the app: provides `BroadcastService`, `SseStreams`
 * and what `@SseRoute()` handlers need. Global unless `isGlobal: false`.
 */
@Module({
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
    StreamRegistry,
    { provide: SseStreams, useExisting: StreamRegistry },
  ],
  exports: [
    BroadcastService,
    SseTransport,
    ResolvedSseOptions,
    StreamRegistry,
    SseStreams,
  ],
})
export class SseModule extends ConfigurableSseModule {
  /**
   * Registers the module; every option has a default, so `forRoot()` with
   * no argument gives an in-memory transport, 15 s keep-alive and no limits.
   */
  static override forRoot(
    options: typeof SSE_MODULE_OPTIONS_TYPE = {},
  ): DynamicModule {
    return super.forRoot(options);
  }
}

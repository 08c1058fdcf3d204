import { Module } from '@nestjs/common';
import { BroadcastService } from './broadcast.service.js';
import {
  ResolvedSseOptions,
  resolveSseOptions,
} from './resolved-sse-options.js';
import { SseConnectionRegistry } from './sse-connection.registry.js';
import type { SseModuleOptions } from './sse-module-options.js';
import {
  ConfigurableSseModule,
  SSE_MODULE_OPTIONS,
} from './sse.module-definition.js';
import { InMemoryTransport } from './transports/in-memory.transport.js';
import { SseTransport } from './transports/sse.transport.js';

/**
 * Server-Sent Events for the app: provides `BroadcastService` and what
 * `@SseRoute()` handlers need. Global unless `isGlobal: false`.
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
      useFactory: (options: SseModuleOptions, resolved: ResolvedSseOptions) =>
        options.transport ??
        new InMemoryTransport({ historySize: resolved.historySize }),
      inject: [SSE_MODULE_OPTIONS, ResolvedSseOptions],
    },
    BroadcastService,
    SseConnectionRegistry,
  ],
  exports: [
    BroadcastService,
    SseTransport,
    ResolvedSseOptions,
    SseConnectionRegistry,
  ],
})
export class SseModule extends ConfigurableSseModule {}

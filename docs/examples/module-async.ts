import { Injectable, Module } from '@nestjs/common';
import { InMemoryTransport, SseModule } from 'nestjs-sse-broadcast';

/** Stands for your configuration service (`ConfigService` of @nestjs/config, say). */
@Injectable()
export class AppConfig {
  get(name: string): string | undefined {
    return process.env[name];
  }
}

@Module({ providers: [AppConfig], exports: [AppConfig] })
export class AppConfigModule {}

// #region factory
export const sseModule = SseModule.forRootAsync({
  imports: [AppConfigModule],
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({
    // Environment values are strings: convert them.
    keepAliveSeconds: Number(config.get('SSE_KEEPALIVE_SECONDS') ?? 15),
    maxClientsPerAddress: Number(config.get('SSE_MAX_PER_ADDRESS') ?? 20),
    transport: new InMemoryTransport({
      historySize: Number(config.get('SSE_HISTORY_SIZE') ?? 1000),
    }),
  }),
});
// #endregion factory

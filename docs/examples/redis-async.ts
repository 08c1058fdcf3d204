import { Injectable, Module } from '@nestjs/common';
import { SseModule } from 'nestjs-sse-broadcast';
import { RedisTransport } from 'nestjs-sse-broadcast/redis';

/** Stands for your configuration service. */
@Injectable()
export class AppConfig {
  getOrThrow(name: string): string {
    const value = process.env[name];
    if (value === undefined) throw new Error(`${name} is not set`);
    return value;
  }
}

@Module({ providers: [AppConfig], exports: [AppConfig] })
export class AppConfigModule {}

@Module({
  imports: [
    SseModule.forRootAsync({
      imports: [AppConfigModule],
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        transport: new RedisTransport({
          url: config.getOrThrow('REDIS_URL'),
          keyPrefix: process.env.REDIS_KEY_PREFIX ?? 'sse:',
        }),
      }),
    }),
  ],
})
export class AppModule {}

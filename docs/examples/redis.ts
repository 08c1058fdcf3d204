import { Module } from '@nestjs/common';
import { SseModule } from 'nestjs-sse-broadcast';
import { RedisTransport } from 'nestjs-sse-broadcast/redis';

@Module({
  imports: [
    SseModule.forRoot({
      transport: new RedisTransport({
        url: 'redis://10.0.0.5:6379',
        keyPrefix: 'shop:sse:',
        historySize: 5000,
      }),
    }),
  ],
})
export class AppModule {}

import { SseModule } from 'nestjs-sse-broadcast';
import { RedisTransport } from 'nestjs-sse-broadcast/redis';

export const sse = SseModule.forRoot({
  identify: (request) => (request as { user?: { id: string } }).user?.id,
  transport: new RedisTransport({
    url: 'redis://10.0.0.5:6379',
    // An instance killed without a goodbye drops out of the counts within
    // 10 s (heartbeats every 3.3 s); the default is 30 s.
    presenceTtlMs: 10_000,
  }),
});

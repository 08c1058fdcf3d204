import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { SseModule } from 'nestjs-sse-broadcast';
import { RedisTransport } from 'nestjs-sse-broadcast/redis';

// Your client: the transport runs its commands on it and leaves it open at
// shutdown; it opens (and closes) one duplicate for its subscription.
const client = new Redis('redis://10.0.0.5:6379');

@Module({
  imports: [SseModule.forRoot({ transport: new RedisTransport({ client }) })],
})
export class AppModule {}

import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { InMemoryTransport, SseModule } from '../src/index.js';
import { AccessTokens } from './auth/access-tokens.js';
import { privateChannelsAuthorizer } from './auth/private-channels.authorizer.js';
import { BroadcastApiController } from './broadcast/broadcast-api.controller.js';
import { BroadcastStreamController } from './broadcast/broadcast-stream.controller.js';
import { BROADCAST_TOKEN } from './broadcast/bearer-token.guard.js';
import { tokenIdentity } from './auth/token-identity.js';
import { LoginController } from './users/login.controller.js';
import { UserStreamController } from './users/user-stream.controller.js';
import { publishRateLimit } from './broadcast/publish-rate-limit.js';
import type { DemoConfig } from './demo-config.js';
import { createRedisTransport } from './redis-transport.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { SseMetrics } from './metrics/sse-metrics.js';
import { TicksController } from './ticks/ticks.controller.js';
import { SECURE_COOKIES } from './users/login.controller.js';

@Module({})
export class DemoModule {
  static forRoot(config: DemoConfig): DynamicModule {
    const accessTokens = new AccessTokens(config.jwtSecret);
    return {
      module: DemoModule,
      imports: [
        SseModule.forRootAsync({
          // With REDIS_URL, instances share events and history through Redis.
          useFactory: async () => ({
            keepAliveSeconds: config.keepAliveSeconds,
            maxClients: config.maxClients,
            maxClientsPerAddress: config.maxClientsPerAddress,
            authorize: privateChannelsAuthorizer(accessTokens),
            // With JWT_SECRET, a stream with a token belongs to its `sub`.
            identify: tokenIdentity(accessTokens),
            transport: config.redisUrl
              ? await createRedisTransport(config)
              : new InMemoryTransport({ historySize: config.historySize }),
          }),
        }),
        publishRateLimit(config.publishRateLimit),
      ],
      controllers: [
        TicksController,
        BroadcastStreamController,
        UserStreamController,
        BroadcastApiController,
        MetricsController,
        ...(config.demoLogin ? [LoginController] : []),
      ],
      providers: [
        { provide: BROADCAST_TOKEN, useValue: config.broadcastToken },
        { provide: AccessTokens, useValue: accessTokens },
        { provide: SECURE_COOKIES, useValue: config.https !== undefined },
        SseMetrics,
      ],
    };
  }
}

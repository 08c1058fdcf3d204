import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import {
  BroadcastService,
  InMemoryTransport,
  SseModule,
} from '../src/index.js';
import { AccessTokens } from './auth/access-tokens.js';
import { privateChannelsAuthorizer } from './auth/private-channels.authorizer.js';
import { BroadcastApiController } from './broadcast/broadcast-api.controller.js';
import { BroadcastStreamController } from './broadcast/broadcast-stream.controller.js';
import { BROADCAST_TOKEN } from './broadcast/bearer-token.guard.js';
import { ClientCount, LocalClientCount } from './broadcast/client-count.js';
import { ClusterClientCount } from './cluster/cluster-client-count.js';
import { publishRateLimit } from './broadcast/publish-rate-limit.js';
import type { DemoConfig } from './demo-config.js';
import { createRedisTransport } from './redis-transport.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { SseMetrics } from './metrics/sse-metrics.js';
import { TicksController } from './ticks/ticks.controller.js';

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
        BroadcastApiController,
        MetricsController,
      ],
      providers: [
        { provide: BROADCAST_TOKEN, useValue: config.broadcastToken },
        { provide: AccessTokens, useValue: accessTokens },
        SseMetrics,
        {
          provide: ClientCount,
          inject: [BroadcastService],
          // The workers of one cluster count together; anything else alone.
          useFactory: (broadcast: BroadcastService) =>
            config.clusterId && config.redisUrl
              ? ClusterClientCount.connect(broadcast, config)
              : new LocalClientCount(broadcast),
        },
      ],
    };
  }
}

import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { Controller, Headers, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { BroadcastService, SseModule, SseRoute } from '../../src/index.js';
import { RedisTransport } from '../../src/redis/index.js';
import { RedisServer } from '../support/redis-server.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';

const REDIS_CLIENT = Symbol('REDIS_CLIENT');

@Controller()
class EventsController {
  constructor(private readonly broadcast: BroadcastService) {}

  @SseRoute('events')
  events(@Headers('last-event-id') lastEventId?: string) {
    return this.broadcast.stream({ lastEventId });
  }
}

/** An app that hands SseModule.forRootAsync an ioredis client it owns. */
async function createApp(client: Redis): Promise<INestApplication> {
  @Module({
    providers: [{ provide: REDIS_CLIENT, useValue: client }],
    exports: [REDIS_CLIENT],
  })
  class RedisClientModule {}

  @Module({
    imports: [
      SseModule.forRootAsync({
        imports: [RedisClientModule],
        inject: [REDIS_CLIENT],
        useFactory: (redis: Redis) => ({
          transport: new RedisTransport({ client: redis, keyPrefix: 'own:' }),
        }),
      }),
    ],
    controllers: [EventsController],
  })
  class AppModule {}

  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('Redis transport given to SseModule.forRoot', () => {
  it('is connected by app.init() and closed by app.close()', async () => {
    const redis = await RedisServer.start();
    const probe = new Redis(redis.url);
    try {
      @Module({
        imports: [
          SseModule.forRoot({
            transport: new RedisTransport({ url: redis.url }),
          }),
        ],
      })
      class AppModule {}
      const connections = async () =>
        String(await probe.client('LIST'))
          .trim()
          .split('\n').length;
      await waitFor(() => probe.status === 'ready', 5000, 'the probe');
      const alone = await connections();
      const app = await NestFactory.create(AppModule, { logger: false });
      await app.init();
      assert.equal(await connections(), alone + 2);
      await app.get(BroadcastService).publish({ data: 'x' });
      await app.close();
      await waitFor(
        async () => (await connections()) === alone,
        5000,
        'the transport to quit',
      );
    } finally {
      probe.disconnect();
      await redis.stop('SIGTERM');
    }
  });
});

describe('Redis transport on an ioredis client the app already has', () => {
  let redis: RedisServer;
  let client: Redis;

  before(async () => {
    redis = await RedisServer.start();
    client = new Redis(redis.url);
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop('SIGTERM');
  });

  it('publishes through it and leaves it open at shutdown', async () => {
    const connections = async () =>
      String(await client.client('LIST'))
        .trim()
        .split('\n').length;
    await waitFor(() => client.status === 'ready', 5000, 'the client');
    const alone = await connections();
    const app = await createApp(client);
    assert.equal(await connections(), alone + 1, 'one more: the subscriber');

    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const reader = await SseReader.open(`${url}/events`);
    try {
      await reader.take(1);
      const id = await app.get(BroadcastService).publish({
        event: 'hello',
        data: { via: 'own client' },
      });
      const [, event] = await reader.take(2);
      assert.deepEqual(
        [event.event, event.id, JSON.parse(event.data)],
        ['hello', id, { via: 'own client' }],
      );
      assert.equal(
        await client.get('own:seq'),
        id,
        'keys under the chosen prefix',
      );

      // Ids a publisher chooses are found in history too.
      const broadcast = app.get(BroadcastService);
      await broadcast.publish({ event: 'order', data: 1, id: 'order-1' });
      const next = await broadcast.publish({ event: 'order', data: 2 });
      const again = await SseReader.open(`${url}/events`, {
        'last-event-id': 'order-1',
      });
      try {
        const [, replayed] = await again.take(2);
        assert.deepEqual([replayed.id, replayed.data], [next, '2']);
        assert.deepEqual(
          (await reader.take(4)).slice(2).map((e) => e.id),
          ['order-1', next],
        );
      } finally {
        again.close();
      }
    } finally {
      reader.close();
      await app.close();
    }
    assert.equal(client.status, 'ready', 'the app’s client stays open');
    await waitFor(
      async () => (await connections()) === alone,
      5000,
      'the subscriber to quit',
    );
  });
});

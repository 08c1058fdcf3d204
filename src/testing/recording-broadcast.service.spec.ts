import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestException, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { filter, firstValueFrom, toArray } from 'rxjs';
import { BroadcastService } from '../broadcast/broadcast.service.js';
import { InvalidSseFieldException } from '../errors/invalid-sse-field.exception.js';
import type { SseFrame } from '../framing/sse-frame.js';
import { SseModule } from '../sse.module.js';
import { InMemoryTransport } from '../transports/in-memory.transport.js';
import { RecordingBroadcastService } from './index.js';

/** Code under test: publishes through the injected service. */
@Injectable()
class OrderEvents {
  constructor(private readonly broadcast: BroadcastService) {}

  shipped(orderId: string): Promise<string> {
    return this.broadcast.publish({
      event: 'order-shipped',
      data: { orderId },
      channel: `orders:${orderId}`,
    });
  }

  announce(text: unknown, event?: string): Promise<string> {
    return this.broadcast.publish({ event, data: text });
  }
}

const frames = (service: BroadcastService, channels: string[] = []) => {
  const received: SseFrame[] = [];
  const subscription = service
    .stream({ channels })
    .subscribe((frame) => received.push(frame));
  return { received, close: () => subscription.unsubscribe() };
};

describe('RecordingBroadcastService', () => {
  it('records every publish (id, event, data, channel) and resolves with real, increasing ids', async () => {
    const broadcast = new RecordingBroadcastService();
    const orders = new OrderEvents(broadcast);
    const first = await orders.shipped('42');
    const second = await orders.announce('hello');
    const third = await orders.announce({ n: 1 }, 'notice');

    assert.ok(BigInt(first) < BigInt(second) && BigInt(second) < BigInt(third));
    assert.deepEqual(broadcast.published, [
      {
        id: first,
        event: 'order-shipped',
        data: { orderId: '42' },
        channel: 'orders:42',
      },
      { id: second, event: 'message', data: 'hello' },
      { id: third, event: 'notice', data: { n: 1 } },
    ]);
    assert.equal(broadcast.stats.published, 3);
  });

  it('validates as the real service does: bad input still throws, and is not recorded', async () => {
    const broadcast = new RecordingBroadcastService();
    const orders = new OrderEvents(broadcast);
    await assert.rejects(
      orders.announce('x', 'bad\nname'),
      InvalidSseFieldException,
    );
    await assert.rejects(orders.announce(undefined), InvalidSseFieldException);
    await assert.rejects(orders.shipped('a b'), /Invalid SSE channel/);
    await assert.rejects(
      broadcast.publish({ data: 1, id: 'x'.repeat(129) }),
      /Invalid SSE id: must be at most 128 characters/,
    );
    assert.throws(
      () => broadcast.stream({ channels: ['é'] }),
      BadRequestException,
    );
    assert.deepEqual(broadcast.published, []);
  });

  it('streams what is published: connected, then the events of the stream channels only', async () => {
    const broadcast = new RecordingBroadcastService({ retryMs: 1234 });
    const news = frames(broadcast, ['orders:42']);
    const other = frames(broadcast, ['orders:7']);
    const id = await new OrderEvents(broadcast).shipped('42');

    assert.deepEqual(
      news.received.map((f) => [f.type, f.retry]),
      [
        ['connected', 1234],
        ['order-shipped', undefined],
      ],
    );
    const [, shipped] = news.received;
    assert.equal(shipped.id, id);
    assert.deepEqual(JSON.parse(shipped.data ?? ''), { orderId: '42' });
    assert.deepEqual(
      other.received.map((f) => f.type),
      ['connected'],
    );
    news.close();
    other.close();
  });

  it('emits each record on published$, and forgets them on clear()', async () => {
    const broadcast = new RecordingBroadcastService();
    const next = firstValueFrom(
      broadcast.published$.pipe(filter((e) => e.event === 'notice')),
    );
    await broadcast.publish({ data: 'one' });
    const id = await broadcast.publish({ event: 'notice', data: 'two' });
    assert.deepEqual(await next, { id, event: 'notice', data: 'two' });

    const before = broadcast.published;
    broadcast.clear();
    assert.equal(broadcast.published.length, 0);
    assert.equal(before.length, 2, 'an array read before keeps its events');
    await broadcast.publish({ data: 'three' });
    assert.deepEqual(
      broadcast.published.map((e) => e.data),
      ['three'],
    );
  });

  it('is a drop-in provider: useClass or useValue in a testing module without SseModule', async () => {
    const value = new RecordingBroadcastService();
    for (const provider of [
      { provide: BroadcastService, useClass: RecordingBroadcastService },
      { provide: BroadcastService, useValue: value },
    ]) {
      const moduleRef = await Test.createTestingModule({
        providers: [OrderEvents, provider],
      }).compile();
      await moduleRef.init();
      const broadcast = moduleRef.get(BroadcastService);
      assert.ok(broadcast instanceof RecordingBroadcastService);
      if ('useValue' in provider) assert.equal(broadcast, value);
      const id = await moduleRef.get(OrderEvents).shipped('1');
      assert.deepEqual(broadcast.published.at(-1)?.id, id);
      await moduleRef.close();
    }
  });

  it('over SseModule (overrideProvider), takes the module options and transport, and closes with it', async () => {
    const transport = new InMemoryTransport();
    const moduleRef = await Test.createTestingModule({
      imports: [
        SseModule.forRoot({ retryMs: 777, maxChannelsPerStream: 1, transport }),
      ],
      providers: [OrderEvents],
    })
      .overrideProvider(BroadcastService)
      .useClass(RecordingBroadcastService)
      .compile();
    await moduleRef.init();
    const broadcast = moduleRef.get(BroadcastService);
    assert.ok(broadcast instanceof RecordingBroadcastService);

    assert.throws(
      () => broadcast.stream({ channels: ['a', 'b'] }),
      /at most 1 channels/,
    );
    const stream = firstValueFrom(broadcast.stream().pipe(toArray()));
    const recorded = firstValueFrom(broadcast.published$.pipe(toArray()));
    const id = await moduleRef.get(OrderEvents).announce('hi');
    assert.equal(
      transport.head(),
      id,
      'published through the module transport',
    );

    await moduleRef.close();
    const received = await stream;
    assert.equal(received[0].retry, 777);
    assert.equal(received[1].id, id);
    assert.equal(
      received.length,
      3,
      'connected, the event, the shutdown frame',
    );
    assert.deepEqual(
      (await recorded).map((e) => e.id),
      [id],
    );
  });
});

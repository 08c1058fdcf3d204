import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Test } from '@nestjs/testing';
import { BroadcastService, SseModule } from 'nestjs-sse-broadcast';
import { filter, firstValueFrom } from 'rxjs';
import { OrderEvents } from './order-events.js';

test('shipped() tells the clients of the order', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [SseModule.forRoot({})], // the real module, in memory
    providers: [OrderEvents],
  }).compile();
  await moduleRef.init();

  // Subscribe as a client of that channel would, then publish.
  const received = firstValueFrom(
    moduleRef
      .get(BroadcastService)
      .stream({ channels: ['orders:42'] })
      .pipe(filter((frame) => frame.type === 'order-shipped')),
  );
  const id = await moduleRef.get(OrderEvents).shipped('42');

  const frame = await received;
  assert.equal(frame.id, id);
  assert.deepEqual(JSON.parse(frame.data ?? ''), { orderId: '42' });
  await moduleRef.close();
});

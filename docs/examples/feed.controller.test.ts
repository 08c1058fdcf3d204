import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Test } from '@nestjs/testing';
import {
  BroadcastService,
  InvalidSseFieldException,
} from 'nestjs-sse-broadcast';
import { RecordingBroadcastService } from 'nestjs-sse-broadcast/testing';
import { filter, firstValueFrom } from 'rxjs';
import { FeedController } from './quick-start.js';

test('notify() publishes a notice to the news channel', async () => {
  const broadcast = new RecordingBroadcastService();
  const moduleRef = await Test.createTestingModule({
    controllers: [FeedController], // no SseModule: the double stands in
    providers: [{ provide: BroadcastService, useValue: broadcast }],
  }).compile();
  const controller = moduleRef.get(FeedController);

  // The handler's stream is what a client of the channel receives.
  const received = firstValueFrom(
    controller.feed('news').pipe(filter((frame) => frame.type === 'notice')),
  );
  const { id } = await controller.notify({ text: 'hello' });

  assert.deepEqual(broadcast.published, [
    { id, event: 'notice', data: { text: 'hello' }, channel: 'news' },
  ]);
  assert.equal((await received).id, id);
  // It validates as the real service does.
  await assert.rejects(
    broadcast.publish({ event: 'bad\nname', data: 1 }),
    InvalidSseFieldException,
  );
  await moduleRef.close();
});

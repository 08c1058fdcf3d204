import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EventSource } from 'eventsource';
import { AppModule } from './quick-start.js';

let app: INestApplication;
let url: string;

before(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule],
  }).compile();
  app = moduleRef.createNestApplication();
  await app.listen(0, '127.0.0.1'); // a free port
  url = await app.getUrl();
});

after(() => app.close()); // ends open streams too

test('a notice reaches a subscriber of its channel', async () => {
  const source = new EventSource(`${url}/feed?channel=news`);
  const once = (event: string) =>
    new Promise<{ data: string; lastEventId: string }>((resolve) =>
      source.addEventListener(event, resolve, { once: true }),
    );
  await once('connected'); // the stream is open: what follows is live
  const notice = once('notice');

  const response = await fetch(`${url}/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'hello' }),
  });
  const { id } = (await response.json()) as { id: string };

  const received = await notice;
  assert.deepEqual(JSON.parse(received.data), { text: 'hello' });
  assert.equal(received.lastEventId, id);
  source.close();
});

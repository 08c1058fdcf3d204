import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Test } from '@nestjs/testing';
import { BroadcastService, SseStreams } from '../../src/index.js';
import { RecordingBroadcastService } from '../../src/testing/index.js';
import { http } from '../support/http.js';
import { LogCapture } from '../support/log-capture.js';
import { SseReader } from '../support/sse-reader.js';
import { startTestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';
import { FeedAppModule, FeedWithoutSseModule } from './testing.app.js';

describe('testing an app: RecordingBroadcastService, and controllers without SseModule', () => {
  it('serves the app with BroadcastService overridden by the recording double: clients get what is published, and it is recorded', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [FeedAppModule],
    })
      .overrideProvider(BroadcastService)
      .useClass(RecordingBroadcastService)
      .compile();
    const { app, url } = await startTestApp(moduleRef);
    const reader = await SseReader.open(`${url}/feed?channel=news`);
    try {
      const [connected] = await reader.take(1);
      assert.equal(connected.event, 'connected');
      assert.equal(connected.retry, 1500, "the module's options");
      const posted = await http('POST', `${url}/notify`, {
        body: { text: 'hello' },
      });
      assert.equal(posted.status, 201, posted.text);
      const { id } = posted.json as { id: string };
      const notice = await reader.find((e) => e.event === 'notice');
      assert.equal(notice.id, id);
      assert.deepEqual(JSON.parse(notice.data), { text: 'hello' });

      const broadcast = app.get<BroadcastService, RecordingBroadcastService>(
        BroadcastService,
      );
      assert.deepEqual(broadcast.published, [
        { id, event: 'notice', data: { text: 'hello' }, channel: 'news' },
      ]);
      assert.equal(app.get(SseStreams).stats.open, 1);
    } finally {
      reader.close();
      await app.close();
    }
  });

  it('answers a request to an @SseRoute() of a module without SseModule with a 500, the log naming SseModule; @Sse() stays Nest’s', async () => {
    const logs = new LogCapture();
    const { app, url } = await startTestApp(FeedWithoutSseModule, {
      logger: logs,
    });
    try {
      const answer = await http('GET', `${url}/feed`);
      assert.equal(answer.status, 500, answer.text);
      await waitFor(
        () => logs.lines.some((l) => l.level === 'error'),
        2000,
        'the error logged',
      );
      const logged = logs.lines
        .filter((l) => l.level === 'error')
        .map((l) => `${l.text} ${l.extra}`)
        .join('\n');
      assert.match(
        logged,
        /@SseRoute\(\) FeedController\.feed needs SseModule: add SseModule\.forRoot\(\) to the imports of the app module/,
      );

      // Nest's own @Sse() needs nothing of the module: served by Nest.
      const reader = await SseReader.open(`${url}/nest-feed`);
      try {
        assert.equal(reader.status, 200);
        const [connected] = await reader.take(1);
        assert.equal(connected.event, 'connected');
      } finally {
        reader.close();
      }
    } finally {
      await app.close();
    }
  });
});

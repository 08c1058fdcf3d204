import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoConfigFromEnv } from '../../demo/demo-config.js';
import type { DemoProcess } from '../support/demo-process.js';
import { startDemoProcess, stopDemoProcess } from '../support/demo-process.js';
import { http, postBroadcast } from '../support/http.js';
import { ROOT } from '../support/paths.js';
import { SseReader } from '../support/sse-reader.js';

describe('the demo as `npm run start:prod` runs it, configured by its environment', () => {
  const token = 'env-token';
  let demo: DemoProcess;
  before(async () => {
    demo = await startDemoProcess({
      env: {
        SSE_KEEPALIVE_SECONDS: '1',
        SSE_HISTORY_SIZE: '2',
        SSE_MAX_CLIENTS: '2',
        BROADCAST_TOKEN: token,
      },
      viaNpm: true,
    });
  });
  after(() => stopDemoProcess(demo));

  it('start:prod is plain node on the built demo, start is nest start', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.scripts.start, 'nest start');
    assert.match(pkg.scripts['start:prod'], /^node dist\/demo\/main\.js$/);
  });

  it('serves the page, the API and the streams on PORT', async () => {
    const page = await http('GET', `${demo.url}/`);
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.equal((await http('GET', `${demo.url}/api/clients`)).status, 200);
  });

  it('needs BROADCAST_TOKEN to broadcast', async () => {
    assert.equal((await postBroadcast(demo.url, { data: 1 })).status, 401);
    const ok = await postBroadcast(
      demo.url,
      { data: 1 },
      { authorization: `Bearer ${token}` },
    );
    assert.equal(ok.status, 202);
  });

  it('sends keep-alives every SSE_KEEPALIVE_SECONDS, keeps SSE_HISTORY_SIZE events and admits SSE_MAX_CLIENTS streams', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 4; n++) {
      const answer = await postBroadcast(
        demo.url,
        { event: 'n', data: n },
        { authorization: `Bearer ${token}` },
      );
      ids.push(answer.json.id);
    }
    const first = await SseReader.open(`${demo.url}/sse/broadcast`, {
      'last-event-id': ids[0],
    });
    const second = await SseReader.open(`${demo.url}/sse/broadcast`);
    try {
      const gap = await first.find((e) => e.event === 'history-gap');
      assert.deepEqual(JSON.parse(gap.data), {
        lastEventId: ids[0],
        reason: 'expired',
        replayed: 2,
      });
      await first.until(
        () => first.events.filter((e) => e.event === 'n').length === 2,
        5000,
        'the replay',
      );
      assert.deepEqual(
        first.events.filter((e) => e.event === 'n').map((e) => e.id),
        ids.slice(2),
      );
      await first.until(() => first.comments.length > 0, 5000, 'a keep-alive');
      assert.match(first.comments[0], /^keep-alive /);

      await second.find((e) => e.event === 'connected');
      const third = await http('GET', `${demo.url}/sse/broadcast`, {
        headers: { accept: 'text/event-stream' },
      });
      assert.equal(third.status, 503);
      assert.match(String(third.headers['content-type']), /application\/json/);
      assert.match(third.json.message, /at most 2/);
    } finally {
      first.close();
      second.close();
    }
  });
});

describe('the demo on another HOST', () => {
  // Linux routes all of 127.0.0.0/8 to loopback.
  it('listens on HOST only', async () => {
    const demo = await startDemoProcess({ host: '127.0.0.2' });
    try {
      assert.equal((await http('GET', `${demo.url}/api/clients`)).status, 200);
      const elsewhere = demo.url.replace('127.0.0.2', '127.0.0.1');
      const refused = await http('GET', `${elsewhere}/api/clients`).then(
        () => false,
        () => true,
      );
      assert.equal(refused, true);
    } finally {
      await stopDemoProcess(demo);
    }
  });
});

describe('demoConfigFromEnv', () => {
  it('defaults to 127.0.0.1:3000, a 1 MB body limit and the library defaults', () => {
    const config = demoConfigFromEnv({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.bodyLimit, '1mb');
    assert.equal(config.keepAliveSeconds, undefined);
    assert.equal(config.historySize, undefined);
    assert.equal(config.maxClients, undefined);
    assert.equal(config.broadcastToken, undefined);
  });

  it('reads PORT, HOST, SSE_KEEPALIVE_SECONDS, SSE_HISTORY_SIZE, SSE_MAX_CLIENTS and BROADCAST_TOKEN', () => {
    const config = demoConfigFromEnv({
      PORT: '8080',
      HOST: '0.0.0.0',
      SSE_KEEPALIVE_SECONDS: '0',
      SSE_HISTORY_SIZE: '50',
      SSE_MAX_CLIENTS: '9',
      BROADCAST_TOKEN: 'tok',
    });
    assert.deepEqual(
      {
        port: config.port,
        host: config.host,
        keepAliveSeconds: config.keepAliveSeconds,
        historySize: config.historySize,
        maxClients: config.maxClients,
        broadcastToken: config.broadcastToken,
      },
      {
        port: 8080,
        host: '0.0.0.0',
        keepAliveSeconds: 0,
        historySize: 50,
        maxClients: 9,
        broadcastToken: 'tok',
      },
    );
  });

  it('refuses a value that is not a non-negative number, naming the variable', () => {
    for (const name of [
      'PORT',
      'SSE_KEEPALIVE_SECONDS',
      'SSE_HISTORY_SIZE',
      'SSE_MAX_CLIENTS',
    ]) {
      for (const value of ['abc', '-1']) {
        assert.throws(
          () => demoConfigFromEnv({ [name]: value }),
          new RegExp(name),
        );
      }
    }
  });

  it('makes the process exit with that message instead of starting', () => {
    const result = spawnSync(process.execPath, ['dist/demo/main.js'], {
      cwd: ROOT,
      env: { ...process.env, SSE_HISTORY_SIZE: 'lots', PORT: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.notEqual(result.status, 0);
    assert.match(
      result.stderr + result.stdout,
      /SSE_HISTORY_SIZE must be a non-negative number/,
    );
  });
});

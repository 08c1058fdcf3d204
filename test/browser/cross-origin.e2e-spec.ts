import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { demoConfigFromEnv } from '../../demo/demo-config.js';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { http } from '../support/http.js';
import { launchChromium } from '../support/browser.js';

/** A page on another origin that opens the demo's stream and publishes to it; the outcome lands in `window.outcome`. */
const crossOriginPage = (demoUrl: string) => `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>other origin</title></head>
<body><script type="module">
const demo = ${JSON.stringify(demoUrl)};
window.outcome = new Promise((resolve) => {
  const source = new EventSource(demo + '/sse/broadcast');
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) resolve({ error: 'stream refused' });
  });
  source.addEventListener('cross-origin', (event) => {
    source.close();
    resolve({ data: event.data });
  });
  source.addEventListener('connected', async () => {
    try {
      // application/json: the browser sends a preflight first.
      const response = await fetch(demo + '/api/broadcast', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'cross-origin', data: { from: location.origin } }),
      });
      if (response.status !== 202) resolve({ error: 'publish answered ' + response.status });
    } catch (err) {
      resolve({ error: 'publish refused: ' + err });
    }
  });
});
</script></body></html>`;

/** A page server on a free loopback port: another origin than the demo's (another port). */
class OtherOrigin {
  /** The demo the page talks to. */
  demoUrl = '';
  private constructor(
    readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<OtherOrigin> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const origin = new OtherOrigin(server, `http://127.0.0.1:${port}`);
    server.on('request', (_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(crossOriginPage(origin.demoUrl));
    });
    return origin;
  }
}

describe('the demo from a page on another origin (CORS_ORIGINS)', () => {
  let browser: Browser;
  let other: OtherOrigin;
  const demos: RunningDemo[] = [];

  before(async () => {
    browser = await launchChromium();
    other = await OtherOrigin.start();
  });
  after(async () => {
    await browser?.close();
    for (const demo of demos) await demo.close();
    other?.server.close();
  });

  /** Opens the other origin's page in Chromium against a demo started with `CORS_ORIGINS=<corsOrigins>`. */
  async function tryFromOtherOrigin(corsOrigins: string | undefined) {
    const { corsOrigins: parsed } = demoConfigFromEnv({
      CORS_ORIGINS: corsOrigins,
    });
    const demo = await startDemo({ corsOrigins: parsed });
    demos.push(demo);
    other.demoUrl = demo.url;
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await tab.goto(other.url);
      const outcome = await tab.evaluate(() =>
        Promise.race([
          (globalThis as unknown as { outcome: Promise<unknown> }).outcome,
          new Promise((r) => setTimeout(() => r({ error: 'timed out' }), 5000)),
        ]),
      );
      return { outcome, errors };
    } finally {
      await context.close();
    }
  }

  it('connects and publishes from a listed origin (preflight included)', async () => {
    const { outcome, errors } = await tryFromOtherOrigin(
      `https://unrelated.example, ${other.url}`,
    );
    assert.deepEqual(outcome, { data: JSON.stringify({ from: other.url }) });
    assert.deepEqual(errors, []);
  });

  it('is refused from an origin not listed, and without CORS_ORIGINS', async () => {
    for (const listed of ['https://unrelated.example', undefined]) {
      const { outcome, errors } = await tryFromOtherOrigin(listed);
      assert.deepEqual(outcome, { error: 'stream refused' });
      assert.ok(
        errors.some((e) => /CORS/.test(e)),
        errors.join('\n'),
      );
    }
  });

  it('answers the preflight of a listed origin, and names no other origin', async () => {
    const demo = await startDemo({ corsOrigins: ['https://app.example'] });
    demos.push(demo);
    const preflight = (origin: string) =>
      http('OPTIONS', `${demo.url}/api/broadcast`, {
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      });
    const allowed = await preflight('https://app.example');
    assert.equal(allowed.status, 204);
    assert.equal(
      allowed.headers['access-control-allow-origin'],
      'https://app.example',
    );
    assert.match(
      String(allowed.headers['access-control-allow-methods']),
      /POST/,
    );
    assert.match(
      String(allowed.headers['access-control-allow-headers']),
      /authorization/i,
    );
    const other = await preflight('https://evil.example');
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('reads CORS_ORIGINS as a comma list (blank entries ignored; unset or empty turns CORS off)', () => {
    assert.deepEqual(
      demoConfigFromEnv({
        CORS_ORIGINS: ' https://a.example, https://b.example ,,',
      }).corsOrigins,
      ['https://a.example', 'https://b.example'],
    );
    assert.equal(
      demoConfigFromEnv({ CORS_ORIGINS: '' }).corsOrigins,
      undefined,
    );
    assert.equal(demoConfigFromEnv({}).corsOrigins, undefined);
  });
});

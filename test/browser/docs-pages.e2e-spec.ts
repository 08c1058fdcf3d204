import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { http } from '../support/http.js';
import { operations } from '../support/openapi.js';
import type { WatchedPage } from '../support/browser.js';
import { launchChromium, screenshot, watchedPage } from '../support/browser.js';

const WAIT = { timeout: 20_000 };
/** `src`/`href` values of an HTML page that point to another host. */
const externalAssets = (html: string) =>
  [...html.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)]
    .map((m) => m[1])
    .filter((url) => /^(?:https?:)?\/\//i.test(url));

describe('the API documentation pages, offline', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let context: BrowserContext;
  let watched: WatchedPage;
  let summaries: string[];

  before(async () => {
    demo = await startDemo();
    browser = await launchChromium();
    const doc = (await http('GET', `${demo.url}/openapi.json`)).json;
    summaries = operations(doc).map((o) => o.op.summary);
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
    });
    watched = await watchedPage(context, demo.url);
  });
  afterEach(async () => {
    await context.close();
    assert.deepEqual(watched.errors, [], 'console errors');
    assert.deepEqual(watched.offsite, [], 'requests off the demo origin');
  });

  it('serves pages that load nothing from another host', async () => {
    for (const path of ['/', '/swagger', '/redoc']) {
      const page = await http('GET', `${demo.url}${path}`);
      assert.equal(page.status, 200, path);
      assert.match(String(page.headers['content-type']), /text\/html/, path);
      assert.deepEqual(externalAssets(page.text), [], path);
    }
    // Sanity check of the check itself.
    assert.deepEqual(
      externalAssets('<script src="https://cdn.example/x.js"></script>'),
      ['https://cdn.example/x.js'],
    );
  });

  it('renders the document in Swagger UI, 3.0 and 3.2', async () => {
    const { page } = watched;
    await page.goto(`${demo.url}/swagger`);
    await page.waitForSelector('.opblock', WAIT);
    assert.equal(await page.locator('.opblock').count(), summaries.length);
    for (const summary of summaries) {
      await page.getByText(summary, { exact: true }).first().waitFor(WAIT);
    }
    // The event stream response, with its envelope schema.
    await page.click('#operations-SSE-streamTicks .opblock-summary');
    const responses = page.locator(
      '#operations-SSE-streamTicks .responses-wrapper',
    );
    await responses.getByText('"connected"').first().waitFor(WAIT);
    assert.equal(
      await responses
        .locator('.response-control-media-type select')
        .first()
        .inputValue(),
      'text/event-stream',
    );
    await screenshot(page, 'swagger-3.0');

    // The 3.2 variant from the top bar's document picker.
    const picker = page.locator('.download-url-wrapper select');
    await picker.selectOption({ label: 'OpenAPI 3.2 (itemSchema)' });
    await page.waitForSelector('.version-stamp >> text=OAS 3.2', WAIT);
    await page.waitForSelector('.opblock', WAIT);
    assert.equal(await page.locator('.opblock').count(), summaries.length);
    await screenshot(page, 'swagger-3.2');
    await page.click('#operations-SSE-streamBroadcasts .opblock-summary');
    await page
      .locator('#operations-SSE-streamBroadcasts .responses-wrapper')
      .getByText('"connected"')
      .first()
      .waitFor(WAIT);
    await page
      .locator('#operations-SSE-streamBroadcasts')
      .scrollIntoViewIfNeeded();
    await screenshot(page, 'swagger-3.2-broadcast', { fullPage: false });
    assert.ok(
      watched.requests.includes(`${demo.url}/openapi-3.2.json`),
      'the 3.2 document was loaded',
    );
  });

  it('renders the document in ReDoc', async () => {
    const { page } = watched;
    await page.goto(`${demo.url}/redoc`);
    await page.waitForSelector('.api-content', WAIT);
    for (const summary of summaries) {
      await page
        .locator('.api-content h2')
        .getByText(summary, { exact: true })
        .waitFor(WAIT);
    }
    // The event names of the tick stream, from the oneOf of its response.
    const ticks = page.locator(
      '[data-section-id="tag/SSE/operation/streamTicks"]',
    );
    await ticks.getByText('text/event-stream').first().waitFor(WAIT);
    // The envelope's oneOf: one tab per event of the stream.
    for (const event of ['connected', 'tick', 'complete']) {
      await ticks
        .getByRole('button', { name: event, exact: true })
        .waitFor(WAIT);
    }
    await screenshot(page, 'redoc');
    await ticks.scrollIntoViewIfNeeded();
    await ticks.getByRole('button', { name: 'tick', exact: true }).click();
    await screenshot(page, 'redoc-ticks', { fullPage: false });
    assert.ok(watched.requests.includes(`${demo.url}/openapi.json`));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { http, postBroadcast } from '../support/http.js';
import { waitFor } from '../support/wait.js';
import { screenshot } from '../support/browser.js';
import { clientsOnServer, demoPageSuite } from '../support/demo-page-suite.js';

const WAIT = { timeout: 10_000 };

/** The broadcast log as [event, id, data] rows. */
const broadcastLog = (page: Page) =>
  page.$$eval('#broadcast-log li', (items) =>
    items.map((li) => [
      li.getAttribute('data-event') ?? '',
      li.getAttribute('data-id') ?? '',
      li.querySelector('.data')?.textContent ?? '',
    ]),
  );

/** Waits until the element `selector` reads `text`. */
const textIs = (page: Page, selector: string, text: string) =>
  page.waitForFunction(
    ([s, t]) =>
      // Runs in the page, where `document` exists.
      (
        globalThis as unknown as {
          document: {
            querySelector(s: string): { textContent: string | null } | null;
          };
        }
      ).document.querySelector(s)?.textContent === t,
    [selector, text] as const,
    WAIT,
  );

describe('the demo page in Chromium', () => {
  const suite = demoPageSuite({ width: 1280, height: 900 });

  // Each page with a stream of its own (`?shared=0`): these tests watch the
  // page's own request and count streams per page. Sharing among tabs has
  // its own spec (shared-stream).
  const open = async (path = '/?shared=0') => {
    const watched = await suite.newPage();
    await watched.page.goto(`${suite.demo.url}${path}`);
    await watched.page.waitForSelector(
      '#broadcast-state[data-state="open"]',
      WAIT,
    );
    await watched.page.waitForSelector(
      '#broadcast-log li[data-event="connected"]',
      WAIT,
    );
    return watched;
  };

  it('connects to /sse/broadcast on load', async () => {
    const { page, requests } = await open();
    assert.ok(
      requests.some((u) => u.startsWith(`${suite.demo.url}/sse/broadcast`)),
    );
    assert.equal(await clientsOnServer(suite.demo.url), 1);
    await textIs(page, '#client-count', '1');
    await screenshot(page, 'page-on-load');
  });

  it('has an icon: the one it links and /favicon.ico answer 200 with an image, not a 404', async () => {
    const { page } = await open();
    const linked = await page.getAttribute('link[rel~="icon"]', 'href');
    // Browsers ask for /favicon.ico on pages that link no icon (the API docs).
    for (const href of [linked ?? '(no icon linked)', '/favicon.ico']) {
      const icon = await http('GET', new URL(href, suite.demo.url).href);
      assert.equal(icon.status, 200, href);
      assert.match(String(icon.headers['content-type']), /^image\//, href);
    }
  });

  it('shows a POST to /api/broadcast in its log, whatever the event name', async () => {
    const { page } = await open();
    const named = await postBroadcast(suite.demo.url, {
      event: 'greeting',
      data: { hello: 'world' },
    });
    const plain = await postBroadcast(suite.demo.url, {
      data: 'plain <b>text</b>',
    });
    assert.equal(named.status, 202);
    await page.waitForSelector(
      `#broadcast-log li[data-id="${plain.json.id}"]`,
      WAIT,
    );
    const log = await broadcastLog(page);
    assert.deepEqual(log.slice(-2), [
      ['greeting', named.json.id, '{"hello":"world"}'],
      ['message', plain.json.id, 'plain <b>text</b>'],
    ]);
    // Shown as text, not as markup.
    assert.equal(await page.locator('#broadcast-log b').count(), 0);
    assert.equal(
      await page.textContent('#broadcast-last-id'),
      String(plain.json.id),
    );
    await screenshot(page, 'page-broadcast-received');
  });

  it('broadcasts from its own form, to itself and to other pages', async () => {
    const sender = await open();
    const other = await open();
    await sender.page.fill('#bc-event', 'notice');
    await sender.page.fill('#bc-data', '{"text":"from the form"}');
    await sender.page.click('#bc-send');
    await sender.page.waitForSelector('#bc-result[data-ok="true"]', WAIT);
    for (const { page } of [sender, other]) {
      const entry = page.locator('#broadcast-log li[data-event="notice"]');
      await entry.waitFor(WAIT);
      assert.equal(
        await entry.locator('.data').textContent(),
        '{"text":"from the form"}',
      );
    }
    assert.match(
      (await sender.page.textContent('#bc-result')) ?? '',
      /Sent notice #\d+ to everyone \(2 connected\)/,
    );
  });

  it('shows the error when a broadcast is refused (bad event name)', async () => {
    const { page } = await open();
    // The input's own pattern check would stop the form: skip it.
    await page.$eval('#broadcast-form', (f) =>
      f.setAttribute('novalidate', ''),
    );
    await page.fill('#bc-event', 'no spaces allowed');
    await page.click('#bc-send');
    await page.waitForSelector('#bc-result[data-ok="false"]', WAIT);
    assert.match(
      (await page.textContent('#bc-result')) ?? '',
      /^400: event must be 1-64 letters/,
    );
    // Chromium logs every failed request: that one was the point.
    const watched = suite.pages[0];
    assert.deepEqual(watched.errors, [
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    watched.errors.length = 0;
  });

  it('streams `count` ticks in the ticks panel and stops at complete', async () => {
    const { page, requests } = await open();
    await page.fill('#ticks-count', '5');
    await page.fill('#ticks-interval', '20');
    await page.click('#ticks-start');
    await page.waitForSelector('#ticks-state[data-state="complete"]', WAIT);
    const rows = await page.$$eval('#ticks-log li', (items) =>
      items.map((li) => [
        li.getAttribute('data-event'),
        li.getAttribute('data-id') ?? '',
      ]),
    );
    assert.deepEqual(rows, [
      ['connected', ''],
      ['tick', '1'],
      ['tick', '2'],
      ['tick', '3'],
      ['tick', '4'],
      ['tick', '5'],
      ['complete', ''],
    ]);
    assert.equal(await page.textContent('#ticks-progress-text'), '5 / 5');
    assert.ok(await page.isEnabled('#ticks-start'));
    assert.ok(await page.isDisabled('#ticks-stop'));
    // Closed at `complete`: the page opened exactly one tick stream.
    const streams = requests.filter((u) =>
      u.startsWith(`${suite.demo.url}/sse?`),
    );
    assert.deepEqual(streams, [`${suite.demo.url}/sse?count=5&intervalMs=20`]);
    await screenshot(page, 'page-ticks-complete');
  });

  it('stops the tick stream on Stop', async () => {
    const { page } = await open();
    await page.fill('#ticks-count', '1000');
    await page.fill('#ticks-interval', '50');
    await page.click('#ticks-start');
    await page.waitForSelector('#ticks-log li[data-event="tick"]', WAIT);
    await page.click('#ticks-stop');
    assert.equal(
      await page.getAttribute('#ticks-state', 'data-state'),
      'stopped',
    );
    const last = page.locator('#ticks-log li').last();
    assert.equal(await last.getAttribute('data-event'), 'stopped');
  });

  it('updates the client count when a second page opens and closes', async () => {
    const first = await open();
    const countIs = (n: number) =>
      textIs(first.page, '#client-count', String(n));
    await countIs(1);
    const second = await open();
    await countIs(2);
    await textIs(second.page, '#client-count', '2');
    await screenshot(first.page, 'page-two-clients');
    await second.page.close();
    await countIs(1);
  });

  it('resumes with Last-Event-ID after a reload, losing nothing sent while away', async () => {
    const { page } = await open();
    const seen = await postBroadcast(suite.demo.url, {
      event: 'before',
      data: 1,
    });
    await page.waitForSelector(`#broadcast-log li[data-id="${seen.json.id}"]`);

    // The page is gone (same tab, its sessionStorage kept): events go out.
    await page.goto('about:blank');
    await waitFor(
      async () => (await clientsOnServer(suite.demo.url)) === 0,
      10_000,
      'the page to disconnect',
    );
    const missed: { event: string; id: string }[] = [];
    for (const n of [1, 2, 3]) {
      missed.push(
        (await postBroadcast(suite.demo.url, { event: `away-${n}`, data: n }))
          .json,
      );
    }

    const resumed = page.waitForRequest((r) =>
      r.url().startsWith(`${suite.demo.url}/sse/broadcast`),
    );
    await page.goto(`${suite.demo.url}/?shared=0`);
    const request = await resumed;
    assert.equal(await request.headerValue('last-event-id'), seen.json.id);
    const lastMissed = missed[missed.length - 1].id;
    await page.waitForSelector(
      `#broadcast-log li[data-id="${lastMissed}"]`,
      WAIT,
    );
    assert.deepEqual(
      (await broadcastLog(page)).map(([event, id]) => [event, id]),
      // `connected` carries the position it resumed from.
      [['connected', seen.json.id], ...missed.map((m) => [m.event, m.id])],
    );

    // A plain reload: it resumes after the last one, so nothing repeats.
    await page.reload();
    await page.waitForSelector('#broadcast-log li[data-event="connected"]');
    const after = await postBroadcast(suite.demo.url, {
      event: 'after',
      data: 4,
    });
    await page.waitForSelector(`#broadcast-log li[data-id="${after.json.id}"]`);
    assert.deepEqual(
      (await broadcastLog(page)).map(([event, id]) => [event, id]),
      [
        ['connected', lastMissed],
        ['after', after.json.id],
      ],
    );
    await screenshot(page, 'page-after-reload');
  });
});

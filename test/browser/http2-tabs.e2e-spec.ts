import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { http } from '../support/http.js';
import type { SelfSignedCert } from '../support/self-signed-cert.js';
import { selfSignedCert } from '../support/self-signed-cert.js';
import type { WatchedPage } from '../support/browser.js';
import { launchChromium, screenshot, watchedPage } from '../support/browser.js';

// The other answer to the six-connection limit: HTTP/2 from the app
// (Fastify with HTTPS_CERT/HTTPS_KEY). Every tab keeps a stream of its own
// (`?shared=0`), all over one connection.
const TABS = 10;
const WAIT = { timeout: 15_000 };

if ((process.env.HTTP_ADAPTER ?? 'express') === 'fastify') {
  describe('10 tabs over HTTP/2 (Chromium, self-signed certificate)', () => {
    let cert: SelfSignedCert;
    let demo: RunningDemo;
    let browser: Browser;
    let context: BrowserContext;
    const tabs: WatchedPage[] = [];

    before(async () => {
      cert = selfSignedCert();
      demo = await startDemo({ https: cert });
      browser = await launchChromium(['--ignore-certificate-errors']);
      context = await browser.newContext({
        viewport: { width: 1100, height: 900 },
      });
    });
    after(async () => {
      await context?.close();
      await browser?.close();
      await demo?.close();
      cert?.remove();
    });

    it('every tab streams on its own, the forms work, all over h2', async () => {
      for (let i = 0; i < TABS; i++) {
        const tab = await watchedPage(context, demo.url);
        tabs.push(tab);
        await tab.page.goto(`${demo.url}/?shared=0`, WAIT);
        await tab.page.waitForSelector(
          '#broadcast-state[data-state="open"]',
          WAIT,
        );
        await tab.page.waitForSelector(
          '#broadcast-log li[data-event="connected"]',
          WAIT,
        );
      }
      for (const { page } of tabs) {
        assert.equal(
          await page.getAttribute('#broadcast-connection', 'data-role'),
          'own',
        );
        const protocol = await page.evaluate(
          'performance.getEntriesByType("navigation")[0].nextHopProtocol',
        );
        assert.equal(protocol, 'h2');
      }
      assert.equal(
        (await http('GET', `${demo.url}/api/clients`)).json.connected,
        TABS,
      );

      // The last tab's form and client count: its fetches get through.
      const { page } = tabs[TABS - 1];
      await page.waitForFunction(
        `document.getElementById('client-count').textContent === '${TABS}'`,
        undefined,
        WAIT,
      );
      await page.fill('#bc-event', 'over-h2');
      await page.fill('#bc-data', '{"text":"to ten tabs"}');
      await page.click('#bc-send');
      await page.waitForSelector('#bc-result[data-ok="true"]', WAIT);
      const result = (await page.textContent('#bc-result')) ?? '';
      assert.match(
        result,
        new RegExp(`^Sent over-h2 #\\d+ to everyone \\(${TABS} connected\\)$`),
      );
      const id = /#(\d+)/.exec(result)![1];
      for (const tab of tabs) {
        await tab.page.waitForSelector(
          `#broadcast-log li[data-id="${id}"]`,
          WAIT,
        );
      }
      await page.fill('#ticks-count', '3');
      await page.fill('#ticks-interval', '20');
      await page.click('#ticks-start');
      await page.waitForSelector('#ticks-state[data-state="complete"]', WAIT);
      await screenshot(page, 'http2-tab-10');
      for (const { errors, offsite } of tabs) {
        assert.deepEqual(errors, [], 'console errors');
        assert.deepEqual(offsite, [], 'requests off the demo origin');
      }
    });
  });
}

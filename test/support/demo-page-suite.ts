import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import type { WatchedPage } from './browser.js';
import { launchChromium, watchedPage } from './browser.js';
import type { RunningDemo } from './demo-server.js';
import { startDemo } from './demo-server.js';
import { http } from './http.js';
import { waitFor } from './wait.js';

/** How many streams the demo at `url` counts (`GET /api/clients`). */
export const clientsOnServer = async (url: string): Promise<number> =>
  (await http('GET', `${url}/api/clients`)).json.connected as number;

/** The demo, Chromium and the pages of the running test. */
export interface DemoPageSuite {
  readonly demo: RunningDemo;
  readonly browser: Browser;
  /** This test's browser context (a fresh one per test). */
  readonly context: BrowserContext;
  /** The pages this test opened with `newPage()`, in order. */
  readonly pages: readonly WatchedPage[];
  /** A watched page in this test's context, checked after the test. */
  newPage(): Promise<WatchedPage>;
}

/**
 * What every spec of the demo page in Chromium sets up; call it inside
 * `describe`. One demo and one Chromium for the file, a fresh browser
 * context per test, and after each test: no stream left open on the server,
 * no console error and no off-site request on any page the test opened.
 */
export function demoPageSuite(viewport: {
  width: number;
  height: number;
}): DemoPageSuite {
  let demo: RunningDemo;
  let browser: Browser;
  let context: BrowserContext;
  let pages: WatchedPage[] = [];

  before(async () => {
    demo = await startDemo();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });
  beforeEach(async () => {
    pages = [];
    context = await browser.newContext({ viewport });
  });
  afterEach(async () => {
    await context.close();
    // Every test starts with no stream left open by the one before.
    await waitFor(
      async () => (await clientsOnServer(demo.url)) === 0,
      10_000,
      'the pages to disconnect',
    );
    for (const { errors, offsite } of pages) {
      assert.deepEqual(errors, [], 'console errors');
      assert.deepEqual(offsite, [], 'requests off the demo origin');
    }
  });

  return {
    get demo() {
      return demo;
    },
    get browser() {
      return browser;
    },
    get context() {
      return context;
    },
    get pages() {
      return pages;
    },
    async newPage() {
      const watched = await watchedPage(context, demo.url);
      pages.push(watched);
      return watched;
    },
  };
}

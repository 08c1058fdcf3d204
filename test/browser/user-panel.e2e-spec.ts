import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { http } from '../support/http.js';
import type { WatchedPage } from '../support/browser.js';
import { launchChromium, screenshot, watchedPage } from '../support/browser.js';
import { SECRET, publish } from '../users/user-streams.js';

const WAIT = { timeout: 10_000 };

/** The user panel's log as [event, data] rows. */
const userLog = (page: Page) =>
  page.$$eval('#user-log li', (items) =>
    items.map((li) => [
      li.getAttribute('data-event') ?? '',
      li.querySelector('.data')?.textContent ?? '',
    ]),
  );

describe('the demo page: the signed-in panel (JWT_SECRET, DEMO_LOGIN=1)', () => {
  let demo: RunningDemo;
  let browser: Browser;
  const pages: WatchedPage[] = [];

  before(async () => {
    demo = await startDemo({ jwtSecret: SECRET, demoLogin: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    for (const { errors, offsite } of pages) {
      assert.deepEqual(errors, [], 'console errors');
      assert.deepEqual(offsite, [], 'requests off the demo origin');
    }
  });

  /** A page of its own (its own cookies), signed in as `name`. */
  async function signedIn(name: string): Promise<Page> {
    const context = await browser.newContext();
    const watched = await watchedPage(context, demo.url);
    pages.push(watched);
    const { page } = watched;
    await page.goto(`${demo.url}/?shared=0`);
    await page.waitForSelector('#broadcast-state[data-state="open"]', WAIT);
    await page.fill('#login-name', name);
    await page.click('#login-submit');
    await page.waitForSelector('#user-state[data-state="open"]', WAIT);
    await page.waitForSelector('#user-log li[data-event="connected"]', WAIT);
    assert.equal(await page.textContent('#user-name'), name);
    return page;
  }

  it('signs in, then shows the events addressed to that user and not those for others', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob');
    await alice.waitForFunction(
      () =>
        (
          globalThis as unknown as {
            document: { getElementById(id: string): { textContent: string } };
          }
        ).document.getElementById('user-count').textContent === '2',
      undefined,
      WAIT,
    );
    const forAlice = await publish(demo.url, {
      event: 'dm',
      data: 'hi alice',
      user: 'alice',
    });
    assert.equal(forAlice.json.connected, 1);
    const notAlice = await publish(demo.url, {
      event: 'news',
      data: 'everyone but alice',
      exceptUser: 'alice',
    });
    await alice.waitForSelector(
      `#user-log li[data-id="${forAlice.json.id}"]`,
      WAIT,
    );
    await bob.waitForSelector(
      `#user-log li[data-id="${notAlice.json.id}"]`,
      WAIT,
    );
    assert.deepEqual((await userLog(alice)).slice(1), [['dm', 'hi alice']]);
    assert.deepEqual((await userLog(bob)).slice(1), [
      ['news', 'everyone but alice'],
    ]);
    // The anonymous broadcast panel opened before sign-in: not alice's.
    assert.equal(
      await alice
        .locator(`#broadcast-log li[data-id="${forAlice.json.id}"]`)
        .count(),
      0,
    );
    await screenshot(alice, 'page-user-panel');
  });

  it('sends to a user from its own form, with the token the sign-in gave it', async () => {
    const carol = await signedIn('carol');
    await carol.fill('#bc-event', 'note');
    await carol.fill('#bc-user', 'carol');
    await carol.fill('#bc-data', '"to myself"');
    await carol.click('#bc-send');
    await carol.waitForSelector('#user-log li[data-event="note"]', WAIT);
    assert.match(
      (await carol.textContent('#bc-result')) ?? '',
      /to user carol \(1 connected\)/,
    );
  });

  it('explains a refusal without DEMO_LOGIN', async () => {
    const plain = await startDemo();
    try {
      const context = await browser.newContext();
      const watched = await watchedPage(context, plain.url);
      const { page } = watched;
      await page.goto(`${plain.url}/?shared=0`);
      await page.fill('#login-name', 'alice');
      await page.click('#login-submit');
      await page.waitForSelector('#user-log li[data-event="refused"]', WAIT);
      assert.match((await page.textContent('#user-log')) ?? '', /DEMO_LOGIN=1/);
      // The page's own fetch of a 404 is the only console error.
      assert.ok(
        watched.errors.every((e) => /404/.test(e)),
        watched.errors.join(),
      );
      await context.close();
      assert.equal((await http('GET', `${plain.url}/api/clients`)).status, 200);
    } finally {
      await plain.close();
    }
  });
});

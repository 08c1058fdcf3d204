import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { postBroadcast } from '../support/http.js';
import { waitFor } from '../support/wait.js';
import type { WatchedPage } from '../support/browser.js';
import { screenshot } from '../support/browser.js';
import { clientsOnServer, demoPageSuite } from '../support/demo-page-suite.js';

// Eight tabs over plain HTTP/1.1, where Chromium opens at most six
// connections per host: with a stream each, tabs 7 and 8 never load. The
// page shares one stream among its tabs (SharedEventSource).

const TABS = 8;
const WAIT = { timeout: 15_000 };

/** The ids of the broadcast log entries named `event`, in order. */
const idsOf = (page: Page, event: string) =>
  page.$$eval(
    '#broadcast-log li',
    (items, name) =>
      items
        .filter((li) => li.getAttribute('data-event') === name)
        .map((li) => li.getAttribute('data-id') ?? ''),
    event,
  );

/** Publishes `count` events named `event`; their ids in order. */
async function publish(url: string, event: string, count: number) {
  const ids: string[] = [];
  for (let n = 1; n <= count; n++) {
    const answer = await postBroadcast(url, { event, data: { n } });
    assert.equal(answer.status, 202);
    ids.push(String(answer.json.id));
  }
  return ids;
}

describe('tabs sharing one broadcast stream (Chromium, HTTP/1.1)', () => {
  const suite = demoPageSuite({ width: 1100, height: 900 });

  /** Opens the page in a new tab; resolves once its stream is open. */
  const open = async (path: string) => {
    const watched = await suite.newPage();
    await watched.page.goto(`${suite.demo.url}${path}`, WAIT);
    await watched.page.waitForSelector(
      '#broadcast-state[data-state="open"]',
      WAIT,
    );
    return watched;
  };
  const openTabs = async (path: string, count = TABS) => {
    const opened: WatchedPage[] = [];
    for (let i = 0; i < count; i++) opened.push(await open(path));
    return opened;
  };
  const roleOf = (page: Page) =>
    page.getAttribute('#broadcast-connection', 'data-role');

  /** Every tab's log holds exactly `ids` for `event`, in that order. */
  const everyTabGot = async (
    tabs: WatchedPage[],
    event: string,
    ids: string[],
  ) => {
    const last = ids[ids.length - 1];
    for (const { page } of tabs) {
      await page.waitForSelector(`#broadcast-log li[data-id="${last}"]`, WAIT);
      assert.deepEqual(await idsOf(page, event), ids);
    }
  };

  for (const [how, path, role] of [
    ['a SharedWorker', '/', 'worker'],
    ['an elected tab', '/?shared=tabs', undefined],
  ] as const) {
    it(`${TABS} tabs, one stream through ${how}: every tab gets every broadcast, the forms work`, async () => {
      const tabs = await openTabs(path);
      const roles = await Promise.all(tabs.map(({ page }) => roleOf(page)));
      if (role) assert.deepEqual(roles, Array(TABS).fill(role));
      else {
        // The first tab took the lock; the others follow it.
        assert.deepEqual(roles, [
          'leader',
          ...Array(TABS - 1).fill('follower'),
        ]);
      }
      assert.equal(await clientsOnServer(suite.demo.url), 1);

      const ids = await publish(suite.demo.url, 'fan', 5);
      await everyTabGot(tabs, 'fan', ids);

      // The last tab's forms: its fetch and its own tick stream get through.
      const { page } = tabs[TABS - 1];
      await page.waitForFunction(
        () =>
          (
            globalThis as unknown as {
              document: { getElementById(id: string): { textContent: string } };
            }
          ).document.getElementById('client-count').textContent === '1',
        undefined,
        WAIT,
      );
      await page.fill('#bc-event', 'from-form');
      await page.fill('#bc-data', '{"text":"tab 8"}');
      await page.click('#bc-send');
      await page.waitForSelector('#bc-result[data-ok="true"]', WAIT);
      assert.match(
        (await page.textContent('#bc-result')) ?? '',
        /^Sent from-form #\d+ to everyone \(1 connected\)$/,
      );
      const formId = /#(\d+)/.exec(
        (await page.textContent('#bc-result')) ?? '',
      )![1];
      await everyTabGot(tabs, 'from-form', [formId]);
      await page.fill('#ticks-count', '3');
      await page.fill('#ticks-interval', '20');
      await page.click('#ticks-start');
      await page.waitForSelector('#ticks-state[data-state="complete"]', WAIT);
      await screenshot(page, `shared-stream-${role ?? 'tabs'}-tab-8`);
    });
  }

  it('closing the leader tab loses nothing: the next one resumes from its last id', async () => {
    const tabs = await openTabs('/?shared=tabs');
    const before = await publish(suite.demo.url, 'relay', 5);
    await everyTabGot(tabs, 'relay', before);
    let leader = -1;
    for (let i = 0; i < tabs.length; i++) {
      if ((await roleOf(tabs[i].page)) === 'leader') leader = i;
    }
    assert.notEqual(leader, -1, 'one tab leads');
    const [gone] = tabs.splice(leader, 1);
    // Events go out while the leader closes and another takes over.
    const [, during] = await Promise.all([
      gone.page.close(),
      publish(suite.demo.url, 'relay', 10),
    ]);
    const afterwards = await publish(suite.demo.url, 'relay', 5);
    await everyTabGot(tabs, 'relay', [...before, ...during, ...afterwards]);
    const roles = await Promise.all(tabs.map(({ page }) => roleOf(page)));
    assert.equal(roles.filter((r) => r === 'leader').length, 1);
    await waitFor(
      async () => (await clientsOnServer(suite.demo.url)) === 1,
      10_000,
      'one stream for the remaining tabs',
    );
  });

  it('closing the tab that opened the SharedWorker stream loses nothing', async () => {
    const tabs = await openTabs('/', 3);
    const [first] = tabs.splice(0, 1);
    const [, during] = await Promise.all([
      first.page.close(),
      publish(suite.demo.url, 'relay', 10),
    ]);
    await everyTabGot(tabs, 'relay', during);
    assert.equal(await clientsOnServer(suite.demo.url), 1);
  });

  for (const sharedBy of ['worker', 'tabs'] as const) {
    it(`each tab closes its own subscription (${sharedBy}); the others read on, typed`, async () => {
      const tabs = await openTabs('/', 3);
      // A second stream in each tab, through the client as an app uses it.
      for (const { page } of tabs) {
        await page.evaluate(`(async () => {
          const { SharedEventSource, TypedEventSource } = await import('/client/index.js');
          const source = new SharedEventSource('/sse/broadcast?channel=probe', { sharedBy: '${sharedBy}' });
          const probe = { source, seen: [] };
          globalThis.probe = probe;
          new TypedEventSource(source).on('probe', ({ data, lastEventId }) =>
            probe.seen.push([lastEventId, data.n]));
          await new Promise((open) => source.onState((s) => s === 'open' && open()));
        })()`);
      }
      const seen = (page: Page) =>
        page.evaluate('globalThis.probe.seen') as Promise<[string, number][]>;
      const role = (page: Page) =>
        page.evaluate('globalThis.probe.source.role') as Promise<string>;
      assert.deepEqual(
        await Promise.all(tabs.map(({ page }) => role(page))),
        sharedBy === 'worker'
          ? ['worker', 'worker', 'worker']
          : ['leader', 'follower', 'follower'],
      );
      // The page's own stream and the probe: two on the server.
      assert.equal(await clientsOnServer(suite.demo.url), 2);
      const send = async (n: number) =>
        String(
          (
            await postBroadcast(suite.demo.url, {
              event: 'probe',
              channel: 'probe',
              data: { n },
            })
          ).json.id,
        );
      const first = [await send(1), await send(2)];
      for (const { page } of tabs) {
        await waitFor(
          async () => (await seen(page)).length === 2,
          10_000,
          'the probes',
        );
        assert.deepEqual(await seen(page), [
          [first[0], 1],
          [first[1], 2],
        ]);
      }
      // The first tab (the leader, with tabs) closes its subscription only.
      await tabs[0].page.evaluate('globalThis.probe.source.close()');
      assert.equal(
        await tabs[0].page.evaluate('globalThis.probe.source.readyState'),
        2,
      );
      const later = [await send(3), await send(4)];
      for (const { page } of tabs.slice(1)) {
        await waitFor(
          async () => (await seen(page)).length === 4,
          10_000,
          'the later probes',
        );
        assert.deepEqual((await seen(page)).slice(2), [
          [later[0], 3],
          [later[1], 4],
        ]);
      }
      assert.equal((await seen(tabs[0].page)).length, 2);
      if (sharedBy === 'tabs') assert.equal(await role(tabs[1].page), 'leader');
      // The page's own stream (no channel) never saw a probe.
      for (const { page } of tabs)
        assert.deepEqual(await idsOf(page, 'probe'), []);
      await tabs[1].page.evaluate('globalThis.probe.source.close()');
      await tabs[2].page.evaluate('globalThis.probe.source.close()');
      await waitFor(
        async () => (await clientsOnServer(suite.demo.url)) === 1,
        10_000,
        'the probe stream to close with its last subscription',
      );
    });
  }

  it('?shared=0 gives the tab a stream of its own, beside the shared one', async () => {
    await open('/');
    const own = await open('/?shared=0');
    assert.equal(await roleOf(own.page), 'own');
    assert.ok(
      own.requests.some((u) => u.startsWith(`${suite.demo.url}/sse/broadcast`)),
    );
    assert.equal(await clientsOnServer(suite.demo.url), 2);
  });

  it(`without sharing, ${TABS} tabs hit the wall: the seventh never opens its stream`, async () => {
    await openTabs('/?shared=0', 6);
    const seventh = await suite.newPage();
    const loading = seventh.page
      .goto(`${suite.demo.url}/?shared=0`)
      .catch(() => undefined);
    const opened = await seventh.page
      .waitForSelector('#broadcast-state[data-state="open"]', { timeout: 3000 })
      .then(
        () => true,
        () => false,
      );
    assert.equal(opened, false, 'the seventh tab opened its stream');
    assert.equal(await clientsOnServer(suite.demo.url), 6);
    await suite.context.close();
    await loading;
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { http, postBroadcast } from '../support/http.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait.js';
import type { ProxyKind } from './reverse-proxy.js';
import {
  proxyBinary,
  ReverseProxy,
  snippetFrom,
  withoutLine,
} from './reverse-proxy.js';

// The snippets are read from the page users copy them from.
const PAGE = readFileSync(
  new URL('../../../docs/deploying-behind-a-proxy.md', import.meta.url),
  'utf8',
);

/** How late an event may reach a client through the proxy (median of a few). */
const PROMPT_MS = 100;
/** How soon a client that closed its connection must be counted out. */
const COUNTED_OUT_MS = 1000;
const GZIP = { 'accept-encoding': 'gzip' };
// No keep-alive comments: a write to a closed client would reveal it to the
// proxy by chance, and the counting checks are about the proxy noticing alone.
const QUIET = { keepAliveSeconds: 0 };

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Publishes `count` events on the app and times each one's arrival through the proxy. */
async function deliveryTimes(
  app: string,
  reader: SseReader,
  count = 5,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const sent = await postBroadcast(app, { event: 'proxied', data: { i } });
    assert.equal(sent.status, 202);
    await reader.find((e) => e.id === sent.json.id, 5000);
    times.push(Math.round(performance.now() - start));
  }
  return times;
}

const connectedCount = async (app: string) =>
  (await http('GET', `${app}/api/clients`)).json.connected as number;

/** A stream through the proxy (asking for gzip), once its `connected` event arrived. */
async function openThrough(proxy: ReverseProxy): Promise<SseReader> {
  const reader = await SseReader.open(`${proxy.url}/sse/broadcast`, GZIP);
  assert.equal(reader.status, 200);
  await reader.find((e) => e.event === 'connected', 5000);
  return reader;
}

/** Runs `use` with the demo behind `kind` configured by `snippet`. */
async function behind(
  kind: ProxyKind,
  snippet: string,
  use: (demo: RunningDemo, proxy: ReverseProxy) => Promise<void>,
): Promise<void> {
  const demo = await startDemo(QUIET);
  let proxy: ReverseProxy | undefined;
  try {
    proxy = await ReverseProxy.start(
      kind,
      snippet,
      Number(new URL(demo.url).port),
    );
    await use(demo, proxy);
  } finally {
    await proxy?.stop();
    await demo.close();
  }
}

function missing(kind: ProxyKind): string | false {
  return proxyBinary(kind)
    ? false
    : `${kind} is not installed: apt-get install -y ${kind} (npm test installs it when run as root on Debian)`;
}

for (const kind of ['nginx', 'haproxy', 'caddy'] as const) {
  describe(
    `behind ${kind}, configured as docs/deploying-behind-a-proxy.md says`,
    { skip: missing(kind) },
    () => {
      const snippet = snippetFrom(PAGE, kind);
      let demo: RunningDemo;
      let proxy: ReverseProxy;

      before(async () => {
        demo = await startDemo(QUIET);
        proxy = await ReverseProxy.start(
          kind,
          snippet,
          Number(new URL(demo.url).port),
        );
      });
      after(async () => {
        await proxy?.stop();
        await demo?.close();
      });

      it(`delivers each event within ${PROMPT_MS} ms, uncompressed although the client accepts gzip`, async () => {
        const reader = await openThrough(proxy);
        try {
          assert.match(
            String(reader.headers['content-type']),
            /^text\/event-stream/,
          );
          assert.equal(reader.headers['content-encoding'], undefined);
          const times = await deliveryTimes(demo.url, reader);
          assert.ok(
            median(times) < PROMPT_MS,
            `delivery times ${times.join(', ')} ms`,
          );
        } finally {
          reader.close();
        }
      });

      it(`counts a client out within ${COUNTED_OUT_MS} ms of it closing its connection`, async () => {
        const reader = await openThrough(proxy);
        await waitFor(
          async () => (await connectedCount(demo.url)) === 1,
          2000,
          'the client to be counted',
        );
        reader.close();
        await waitFor(
          async () => (await connectedCount(demo.url)) === 0,
          COUNTED_OUT_MS,
          'the closed client to be counted out',
        );
      });
    },
  );
}

// The same checks with the key line of a snippet changed: the problem it
// is there for comes back (so the checks above can fail, and the line matters).
describe('with the line that matters changed', () => {
  it(
    'nginx without `gzip off`: the stream is gzipped, no-transform notwithstanding',
    { skip: missing('nginx') },
    async () => {
      const snippet = withoutLine(snippetFrom(PAGE, 'nginx'), 'gzip off');
      await behind('nginx', snippet, async (_demo, proxy) => {
        const reader = await SseReader.open(`${proxy.url}/sse/broadcast`, GZIP);
        try {
          assert.equal(reader.headers['content-encoding'], 'gzip');
          assert.match(String(reader.headers['cache-control']), /no-transform/);
        } finally {
          reader.close();
        }
      });
    },
  );

  it(
    'HAProxy without `option http-no-delay`: events arrive late',
    { skip: missing('haproxy') },
    async () => {
      await behind(
        'haproxy',
        withoutLine(snippetFrom(PAGE, 'haproxy'), 'option http-no-delay'),
        async (demo, proxy) => {
          const reader = await openThrough(proxy);
          try {
            const times = await deliveryTimes(demo.url, reader);
            assert.ok(
              median(times) >= PROMPT_MS,
              `delivery times ${times.join(', ')} ms`,
            );
          } finally {
            reader.close();
          }
        },
      );
    },
  );

  it(
    'HAProxy without `option abortonclose`: a closed client stays counted',
    { skip: missing('haproxy') },
    async () => {
      await behind(
        'haproxy',
        withoutLine(snippetFrom(PAGE, 'haproxy'), 'option abortonclose'),
        async (demo, proxy) => {
          const reader = await openThrough(proxy);
          reader.close();
          await new Promise((r) => setTimeout(r, COUNTED_OUT_MS));
          assert.equal(await connectedCount(demo.url), 1);
        },
      );
    },
  );

  it(
    'Caddy with `flush_interval -1`: a closed client stays counted',
    { skip: missing('caddy') },
    async () => {
      const snippet = snippetFrom(PAGE, 'caddy').replace(
        /reverse_proxy (\S+)\n/,
        'reverse_proxy $1 {\n    flush_interval -1\n  }\n',
      );
      assert.match(snippet, /flush_interval -1/);
      await behind('caddy', snippet, async (demo, proxy) => {
        const reader = await openThrough(proxy);
        reader.close();
        await new Promise((r) => setTimeout(r, COUNTED_OUT_MS));
        assert.equal(await connectedCount(demo.url), 1);
      });
    },
  );
});

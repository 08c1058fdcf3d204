import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EventSource } from 'eventsource';
import {
  buildApp,
  copyApp,
  generateApp,
  makeCommonJs,
  npmInstall,
  packLibrary,
  pinDependencies,
  run,
  runtimePackages,
  startApp,
  stopApp,
  writeAppSources,
  type ModuleKind,
} from './consumer-app.js';

// The package as a user gets it: packed, installed from the tarball into an
// app that `nest new` generated, built by the app's own TypeScript and
// tsconfig, and run. Once as an ES module app (what `nest new` generates),
// once as a CommonJS app (which loads the ESM package through require(esm)).
// SSE_PACKAGE_TARBALL names a tarball packed already (the Nest 11 run passes
// the one packed from the main install, built as it is published).
const work = mkdtempSync(join(tmpdir(), 'sse-consumer-'));
let tarball: string;
let installed: string;
let before_: Set<string>;

before(
  () => {
    tarball = process.env.SSE_PACKAGE_TARBALL ?? packLibrary(work);
    generateApp(work);
    installed = join(work, 'installed');
    copyApp(join(work, 'app'), installed);
    pinDependencies(installed);
    npmInstall(installed);
    before_ = runtimePackages(installed);
  },
  { timeout: 600_000 },
);

after(() => rmSync(work, { recursive: true, force: true }));

for (const kind of ['esm', 'commonjs'] as ModuleKind[]) {
  describe(`a generated ${kind} app`, () => {
    const appDir = () => join(work, kind);

    before(
      () => {
        copyApp(installed, appDir());
        if (kind === 'commonjs') makeCommonJs(appDir());
        npmInstall(appDir(), [tarball]);
        writeAppSources(appDir(), kind);
        buildApp(appDir());
      },
      { timeout: 300_000 },
    );

    test('installing the package adds no package but itself', (t) => {
      const after_ = runtimePackages(appDir());
      const added = [...after_].filter((entry) => !before_.has(entry));
      t.diagnostic(
        `npm ls --omit=dev --all: ${before_.size} packages before, ${after_.size} after`,
      );
      assert.deepEqual(added, ['nestjs-sse-broadcast@0.1.0']);
      assert.ok(before_.size > 0);
    });

    test(`the app's build loads the package as ${kind === 'esm' ? 'an ES module' : 'CommonJS (require)'}`, () => {
      const main = readFileSync(join(appDir(), 'dist/app.module.js'), 'utf8');
      if (kind === 'esm') {
        assert.match(main, /from 'nestjs-sse-broadcast'/);
      } else {
        assert.match(main, /require\("nestjs-sse-broadcast"\)/);
      }
    });

    test('nestjs-sse-broadcast/testing: the controller runs without SseModule, its publish recorded', () => {
      const output = run(
        process.execPath,
        ['dist/recording-check.js'],
        appDir(),
      );
      const { id, published } = JSON.parse(output) as {
        id: string;
        published: unknown[];
      };
      assert.match(id, /^\d+$/);
      assert.deepEqual(published, [
        { id, event: 'notice', data: { text: 'recorded' }, channel: 'news' },
      ]);
    });

    test('streams a published event to a subscriber', async () => {
      const app = await startApp(appDir());
      const source = new EventSource(`${app.url}/feed?channel=news`);
      try {
        const once = (event: string) =>
          new Promise<{ data: string; lastEventId: string }>(
            (resolve, reject) => {
              const timer = setTimeout(
                () => reject(new Error(`no ${event} event:\n${app.output()}`)),
                10_000,
              );
              source.addEventListener(
                event,
                (received) => {
                  clearTimeout(timer);
                  resolve(received);
                },
                { once: true },
              );
            },
          );
        const connected = JSON.parse((await once('connected')).data) as {
          clientId: string;
        };
        assert.equal(typeof connected.clientId, 'string');
        const notice = once('notice');
        const response = await fetch(`${app.url}/notify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'hello from a consumer' }),
        });
        assert.equal(response.status, 201);
        const { id } = (await response.json()) as { id: string };
        const received = await notice;
        assert.deepEqual(JSON.parse(received.data), {
          text: 'hello from a consumer',
        });
        assert.equal(received.lastEventId, id);
      } finally {
        source.close();
        const exit = await stopApp(app.child);
        assert.doesNotMatch(app.output(), /Error|Warning/);
        assert.ok(
          exit.code === 0 || exit.signal === 'SIGTERM',
          `${JSON.stringify(exit)}\n${app.output()}`,
        );
      }
    });
  });
}

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { IncomingMessage, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import express from 'express';
import { sharedMessageShapes } from './shared-message-shapes.js';

const run = promisify(execFile);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('sharedMessageShapes', () => {
  it('builds requests and responses with the prototypes Express gives them', async () => {
    const app = express();
    const requestBefore = app.request;
    (app.request as unknown as { early: string }).early = 'defined before';
    const classes = sharedMessageShapes(app);
    (app.request as unknown as { late: string }).late = 'defined after';
    let seen: IncomingMessage | undefined;
    app.get('/probe', (req, res) => {
      seen = req;
      const extra = req as unknown as { early: string; late: string };
      res.status(201).json({
        query: req.query,
        host: req.get('host') !== undefined,
        early: extra.early,
        late: extra.late,
      });
    });
    const server = createServer(classes, app);
    const url = await listen(server);
    try {
      const response = await fetch(`${url}/probe?a=1`);
      assert.equal(response.status, 201);
      assert.deepEqual(await response.json(), {
        query: { a: '1' },
        host: true,
        early: 'defined before',
        late: 'defined after',
      });
      assert.ok(seen instanceof classes.IncomingMessage);
      // Express's own prototype swap finds the prototype already in place.
      assert.equal(Object.getPrototypeOf(seen), app.request);
      assert.equal(Object.getPrototypeOf(app.request), requestBefore);
    } finally {
      await close(server);
    }
  });

  it('gives the same classes for the same app, once', () => {
    const app = express();
    const first = sharedMessageShapes(app);
    const request = app.request;
    assert.equal(sharedMessageShapes(app), first);
    assert.equal(app.request, request);
    assert.notEqual(sharedMessageShapes(express()), first);
  });

  it('lets requests share their hidden classes (plain Express gives each its own)', async () => {
    // V8's %HaveSameMap, in a child started with --allow-natives-syntax.
    const script = `
      import { createServer } from 'node:http';
      import express from 'express';
      import { sharedMessageShapes } from ${JSON.stringify(new URL('./shared-message-shapes.js', import.meta.url).href)};
      const report = {};
      for (const shared of [true, false]) {
        const app = express();
        const kept = [];
        app.get('/', (req, res) => { kept.push([req, res]); res.end('ok'); });
        const server = shared ? createServer(sharedMessageShapes(app), app) : createServer(app);
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        for (let i = 0; i < 4; i++) await (await fetch('http://127.0.0.1:' + server.address().port + '/')).text();
        server.closeAllConnections();
        server.close();
        const [a, b] = kept.slice(-2);
        report[shared ? 'shared' : 'plain'] = {
          request: %HaveSameMap(a[0], b[0]),
          response: %HaveSameMap(a[1], b[1]),
        };
      }
      console.log(JSON.stringify(report));
    `;
    const { stdout } = await run(
      process.execPath,
      ['--allow-natives-syntax', '--input-type=module', '-e', script],
      { cwd: process.cwd() },
    );
    assert.deepEqual(JSON.parse(stdout), {
      shared: { request: true, response: true },
      plain: { request: false, response: false },
    });
  });
});

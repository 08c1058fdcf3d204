import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { http } from '../support/http.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Follows a local `$ref` (`#/components/schemas/X`). */
function resolve(doc: Json, schema: Json | undefined): Json | undefined {
  if (!schema?.$ref) return schema;
  const path = String(schema.$ref).replace(/^#\//, '').split('/');
  return resolve(
    doc,
    path.reduce<Json>((node, key) => node?.[key], doc),
  );
}

/** The local scripts and stylesheets an HTML page loads. */
const assetsOf = (html: string) =>
  [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"/g)]
    .map((m) => m[1])
    .filter((src) => !/^(https?:)?\/\//.test(src));

describe('API documentation', () => {
  let demo: RunningDemo;
  let doc: Json;
  before(async () => {
    demo = await startDemo();
    const answer = await http('GET', `${demo.url}/openapi.json`);
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /application\/json/);
    doc = answer.json;
  });
  after(() => demo.close());

  const operations = () =>
    Object.entries(doc.paths as Json).flatMap(([path, methods]) =>
      Object.entries(methods as Json)
        .filter(([method]) =>
          ['get', 'post', 'put', 'patch', 'delete'].includes(method),
        )
        .map(([method, op]) => ({ path, method, op: op as Json })),
    );
  const operation = (path: string, method: string) => {
    const op = doc.paths?.[path]?.[method];
    assert.ok(op, `${method.toUpperCase()} ${path} is documented`);
    return op as Json;
  };

  it('serves an OpenAPI document that lists every endpoint', () => {
    assert.match(doc.openapi, /^3\./);
    operation('/sse', 'get');
    operation('/sse/broadcast', 'get');
    operation('/api/broadcast', 'post');
    operation('/api/clients', 'get');
  });

  it('gives every operation a unique operationId and a summary', () => {
    const ids = operations().map(({ path, method, op }) => {
      assert.ok(op.operationId, `${method} ${path} has an operationId`);
      assert.ok(op.summary, `${method} ${path} has a summary`);
      return op.operationId as string;
    });
    assert.equal(new Set(ids).size, ids.length, `unique: ${ids.join(', ')}`);
  });

  for (const [path, events] of [
    ['/sse', ['connected', 'tick', 'complete']],
    ['/sse/broadcast', ['connected', 'history-gap']],
  ] as const) {
    it(`documents GET ${path} as text/event-stream naming its events`, () => {
      const op = operation(path, 'get');
      const stream = op.responses?.['200']?.content?.['text/event-stream'];
      assert.ok(stream, 'a text/event-stream 200 response');
      const text = JSON.stringify(stream);
      for (const event of events) {
        assert.match(text, new RegExp(`"${event}"`), `names ${event}`);
      }
      assert.ok(op.responses['400'], 'documents its 400');
    });
  }

  it('documents the ticks query parameters with their bounds', () => {
    const params = operation('/sse', 'get').parameters as Json[];
    const count = params.find((p) => p.name === 'count');
    const interval = params.find((p) => p.name === 'intervalMs');
    assert.deepEqual(
      [count?.schema?.minimum, count?.schema?.maximum],
      [1, 1000],
    );
    assert.deepEqual(
      [interval?.schema?.minimum, interval?.schema?.maximum],
      [10, 60000],
    );
  });

  it('documents the broadcast stream parameters: channel and lastEventId', () => {
    const names = (operation('/sse/broadcast', 'get').parameters as Json[]).map(
      (p) => p.name,
    );
    assert.ok(names.includes('channel'));
    assert.ok(names.includes('lastEventId'));
  });

  it('documents POST /api/broadcast with its request, response and error schemas', () => {
    const op = operation('/api/broadcast', 'post');
    const body = resolve(
      doc,
      op.requestBody?.content?.['application/json']?.schema,
    );
    assert.ok(body?.properties, 'a request schema');
    for (const field of ['event', 'data', 'channel']) {
      assert.ok(body.properties[field], `request field ${field}`);
    }
    assert.deepEqual(body.required, ['data']);

    const accepted = resolve(
      doc,
      op.responses?.['202']?.content?.['application/json']?.schema,
    );
    for (const field of ['ok', 'id', 'event', 'channel', 'connected']) {
      assert.ok(accepted?.properties?.[field], `response field ${field}`);
    }
    for (const status of ['400', '401', '413', '415']) {
      const error = op.responses?.[status];
      assert.ok(error, `documents ${status}`);
      assert.ok(error.description, `${status} has a description`);
      const schema = resolve(doc, error.content?.['application/json']?.schema);
      assert.ok(schema, `${status} has a JSON schema`);
    }
  });

  it('documents GET /api/clients with its schema', () => {
    const schema = resolve(
      doc,
      operation('/api/clients', 'get').responses?.['200']?.content?.[
        'application/json'
      ]?.schema,
    );
    assert.ok(schema?.properties?.connected);
    assert.ok(schema?.properties?.channels);
  });

  for (const path of ['/swagger', '/redoc']) {
    it(`serves ${path} as a page whose local assets all load`, async () => {
      const page = await http('GET', `${demo.url}${path}`);
      assert.equal(page.status, 200);
      assert.match(String(page.headers['content-type']), /text\/html/);
      const assets = assetsOf(page.text);
      assert.ok(assets.length > 0, 'loads its scripts from this server');
      // Resolved as a browser does, against the page URL.
      const base = new URL(`${demo.url}${path}`);
      for (const asset of assets) {
        const answer = await http('GET', new URL(asset, base).href);
        assert.equal(answer.status, 200, asset);
      }
    });
  }
});

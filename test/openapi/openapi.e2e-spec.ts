import SwaggerParser from '@apidevtools/swagger-parser';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { RunningDemo } from '../support/demo-server.js';
import { startDemo } from '../support/demo-server.js';
import { http } from '../support/http.js';
import type { Doc, RedoclyProblem } from '../support/openapi.js';
import { operations, redoclyLint } from '../support/openapi.js';

// The ticks stream is one of its own (`broadcast: false`): of the library's
// events, only stream-error. The broadcast stream declares only `message`.
const STREAMS: Record<string, { events: string[]; other: boolean }> = {
  '/sse': {
    events: ['connected', 'tick', 'complete', 'stream-error'],
    other: false,
  },
  '/sse/broadcast': {
    events: ['connected', 'history-gap', 'message', 'stream-error'],
    other: true,
  },
  '/sse/user': {
    events: ['connected', 'history-gap', 'message', 'stream-error'],
    other: true,
  },
};

/** The event names a `oneOf` of SSE envelopes admits, by variant. */
const eventNames = (schema: Doc, read: (event: Doc) => string | undefined) =>
  (schema.oneOf as Doc[]).map((variant) => read(variant.properties.event));

// Redocly cannot read `not: { enum }`: it takes the broadcast stream's
// "other events" variant (any name but the declared ones) for one that
// overlaps them. The schema is exclusive; every other warning fails the test.
const knownFalsePositive = (p: RedoclyProblem) =>
  p.ruleId === 'no-illogical-composition-keywords' &&
  p.message.includes('`other events`') &&
  /^#\/paths\/~1sse~1(broadcast|user)\/get\/responses\/200\/content\/text~1event-stream\//.test(
    p.location[0]?.pointer ?? '',
  );

describe('OpenAPI documents', () => {
  let demo: RunningDemo;
  let doc: Doc;
  let doc32: Doc;

  before(async () => {
    demo = await startDemo();
    doc = (await http('GET', `${demo.url}/openapi.json`)).json;
    doc32 = (await http('GET', `${demo.url}/openapi-3.2.json`)).json;
  });
  after(() => demo.close());

  it('serves /openapi.json as OpenAPI 3.0 and /openapi-3.2.json as 3.2', () => {
    assert.equal(doc.openapi, '3.0.0');
    assert.equal(doc32.openapi, '3.2.0');
    assert.deepEqual(
      operations(doc32).map((o) => o.op.operationId),
      operations(doc).map((o) => o.op.operationId),
    );
  });

  it('serves the same documents as YAML', async () => {
    for (const [yaml, json] of [
      ['/openapi.yaml', doc],
      ['/openapi-3.2.yaml', doc32],
    ]) {
      const answer = await http('GET', `${demo.url}${yaml}`);
      assert.equal(answer.status, 200);
      assert.match(String(answer.headers['content-type']), /yaml/);
      assert.deepEqual(parseYaml(answer.text), json, yaml);
    }
  });

  it('is a valid OpenAPI 3.0 document for swagger-parser', async () => {
    // validate() throws on the first schema or semantic error.
    const api = await SwaggerParser.validate(structuredClone(doc));
    assert.equal(api.info.title, 'NestJS SSE demo');
  });

  for (const [name, pick] of [
    ['openapi.json', () => doc],
    ['openapi-3.2.json', () => doc32],
  ] as const) {
    it(`passes redocly lint with no error (${name})`, async () => {
      const report = await redoclyLint(pick(), name);
      const errors = report.problems.filter((p) => p.severity === 'error');
      assert.deepEqual(errors, [], 'redocly errors');
      assert.equal(report.errors, 0);
      const unexpected = report.problems.filter((p) => !knownFalsePositive(p));
      assert.deepEqual(unexpected, [], 'redocly warnings');
    });
  }

  it('gives every operation a unique operationId, a tag and a summary', () => {
    const ops = operations(doc);
    assert.equal(ops.length, 5);
    const ids = ops.map((o) => o.op.operationId);
    assert.ok(ids.every((id) => typeof id === 'string' && id.length > 0));
    assert.equal(new Set(ids).size, ids.length, `duplicates in ${ids}`);
    for (const { path, op } of ops) {
      assert.ok(op.tags?.length, `${path} has no tag`);
      assert.ok(op.summary, `${path} has no summary`);
      assert.ok(Array.isArray(op.security), `${path} states no security`);
    }
    const tags = doc.tags.map((t: Doc) => t.name);
    for (const { op } of ops) assert.ok(tags.includes(op.tags[0]));
  });

  it('documents the SSE endpoints as text/event-stream with their events', () => {
    for (const [path, expected] of Object.entries(STREAMS)) {
      const ok = doc.paths[path].get.responses['200'];
      assert.deepEqual(Object.keys(ok.content), ['text/event-stream'], path);
      const media = ok.content['text/event-stream'];
      const names = [
        ...expected.events,
        ...(expected.other ? [undefined] : []),
      ];
      assert.deepEqual(
        eventNames(media.schema, (e) => e.enum?.[0]),
        names,
        `${path} schema`,
      );
      assert.deepEqual(
        eventNames(media['x-itemSchema'], (e) => e.const),
        names,
        `${path} x-itemSchema`,
      );
      if (expected.other) {
        const other = media.schema.oneOf.at(-1).properties.event;
        assert.deepEqual(other.not, { enum: expected.events });
      }
      for (const variant of media.schema.oneOf) {
        assert.deepEqual(variant.required, ['event', 'data']);
        assert.deepEqual(Object.keys(variant.properties), [
          'event',
          'data',
          'id',
          'retry',
        ]);
        const ref: string | undefined = variant.properties.data.$ref;
        if (ref) {
          const component = ref.replace('#/components/schemas/', '');
          assert.ok(doc.components.schemas[component], `${ref} is missing`);
        }
      }
      // 3.2: the native field; the whole stream as an array of events.
      const media32 =
        doc32.paths[path].get.responses['200'].content['text/event-stream'];
      assert.deepEqual(media32, {
        schema: { type: 'array', items: media['x-itemSchema'] },
        itemSchema: media['x-itemSchema'],
      });
    }
    // Errors are JSON, not event streams.
    for (const { op } of operations(doc)) {
      for (const [status, response] of Object.entries<Doc>(op.responses)) {
        if (status.startsWith('2')) continue;
        assert.deepEqual(Object.keys(response.content), ['application/json']);
      }
    }
  });

  it("documents the library's own events as components it did not have to declare", () => {
    const variants = (path: string) =>
      doc.paths[path].get.responses['200'].content['text/event-stream'].schema
        .oneOf as Doc[];
    const data = (path: string, event: string) =>
      variants(path).find((v) => v.title === event)?.properties.data;
    assert.deepEqual(data('/sse/broadcast', 'connected'), {
      $ref: '#/components/schemas/SseConnectedEvent',
    });
    assert.deepEqual(data('/sse/broadcast', 'history-gap'), {
      $ref: '#/components/schemas/SseHistoryGapEvent',
    });
    for (const path of ['/sse', '/sse/broadcast']) {
      assert.deepEqual(data(path, 'stream-error'), {
        $ref: '#/components/schemas/SseStreamErrorEvent',
      });
    }
    const schemas = doc.components.schemas;
    assert.deepEqual(schemas.SseHistoryGapEvent.required, [
      'lastEventId',
      'reason',
      'replayed',
    ]);
    assert.deepEqual(schemas.SseConnectedEvent.required, [
      'clientId',
      'serverTime',
    ]);
  });

  it('documents the values a client may leave out of a stream request as optional', () => {
    const parameters = (path: string) =>
      Object.fromEntries(
        (doc.paths[path].get.parameters as Doc[]).map((p) => [
          `${p.in} ${p.name}`,
          p,
        ]),
      );
    const broadcast = parameters('/sse/broadcast');
    assert.deepEqual(Object.keys(broadcast).sort(), [
      'header last-event-id',
      'query channel',
      'query lastEventId',
    ]);
    for (const parameter of Object.values<Doc>(broadcast)) {
      assert.equal(parameter.required, false, parameter.name);
      assert.ok(parameter.description, parameter.name);
    }
    assert.equal(parameters('/sse')['header last-event-id'].required, false);
  });

  it('documents every error answer with a schema and an example', () => {
    const expected: Record<string, string[]> = {
      streamTicks: ['400'],
      streamBroadcasts: ['400', '401', '403', '429', '503'],
      publishBroadcast: ['400', '401', '403', '413', '415', '429', '503'],
      streamUserEvents: ['400', '401'],
      getClients: ['503'],
    };
    assert.deepEqual(
      operations(doc)
        .map((o) => o.op.operationId)
        .sort(),
      Object.keys(expected).sort(),
      'a new operation: list its error answers here',
    );
    for (const { op } of operations(doc)) {
      const errors = Object.keys(op.responses).filter((s) => s >= '400');
      assert.deepEqual(errors, expected[op.operationId], op.operationId);
      for (const status of errors) {
        const json = op.responses[status].content['application/json'];
        assert.equal(json.schema.$ref, '#/components/schemas/ErrorResponseDto');
        const examples = Object.values<Doc>(json.examples);
        assert.ok(examples.length > 0, `${op.operationId} ${status}`);
        for (const example of examples) {
          assert.equal(example.value.statusCode, Number(status));
        }
      }
    }
  });

  it('marks the bearer token as optional where it is used, and nowhere else', () => {
    const byId = Object.fromEntries(
      operations(doc).map((o) => [o.op.operationId, o.op]),
    );
    for (const id of ['publishBroadcast', 'streamBroadcasts']) {
      assert.deepEqual(byId[id].security, [{}, { bearer: [] }], id);
    }
    for (const id of ['streamTicks', 'getClients']) {
      assert.deepEqual(byId[id].security, [], id);
    }
    // The user stream needs a JWT, presented one of three ways.
    assert.deepEqual(byId.streamUserEvents.security, [
      { bearer: [] },
      { sse_token: [] },
      { access_token: [] },
    ]);
    assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
  });

  it('documents Retry-After on the answers that carry it', () => {
    for (const { op } of operations(doc)) {
      for (const status of ['429', '503']) {
        const response = op.responses[status];
        // A transport outage has no known end: that 503 has no Retry-After.
        const outage =
          ['publishBroadcast', 'getClients'].includes(op.operationId) &&
          status === '503';
        if (!response || outage) continue;
        assert.equal(
          response.headers?.['Retry-After']?.schema.type,
          'integer',
          `${op.operationId} ${status}`,
        );
      }
    }
  });
});

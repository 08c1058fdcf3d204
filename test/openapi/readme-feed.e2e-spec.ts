import SwaggerParser from '@apidevtools/swagger-parser';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { promoteItemSchemas } from '../../src/swagger/index.js';
import { http } from '../support/http.js';
import type { Doc } from '../support/openapi.js';
import {
  dereference,
  eventMismatches,
  schemaValidator,
} from '../support/openapi.js';
import { SseReader } from '../support/sse-reader.js';
import { startTestApp } from '../support/test-app.js';
import { ReadmeFeedModule } from './readme-feed.app.js';

const documentOf = (app: INestApplication, version: string) =>
  SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('README feed')
      .setOpenAPIVersion(version)
      .build(),
  );

describe("@ApiEventStream() on the README's controller, as it is", () => {
  let app: INestApplication;
  let url: string;
  let doc: Doc;
  let doc32: Doc;
  const check30 = schemaValidator('3.0');
  const stream = (d: Doc, path: string) =>
    d.paths[path].get.responses['200'].content['text/event-stream'];

  before(async () => {
    ({ app, url } = await startTestApp(ReadmeFeedModule));
    doc = documentOf(app, '3.0.0');
    doc32 = promoteItemSchemas(documentOf(app, '3.2.0'));
  });
  after(() => app.close());

  it('gives a valid OpenAPI 3.0 document (swagger-parser)', async () => {
    await SwaggerParser.validate(structuredClone(doc));
  });

  it('documents channel, the Last-Event-ID header and ?lastEventId= as optional', () => {
    const parameters = (doc.paths['/feed'].get.parameters as Doc[]).map((p) => [
      p.in,
      p.name,
      p.required,
    ]);
    assert.deepEqual(parameters.sort(), [
      ['header', 'last-event-id', false],
      ['query', 'channel', false],
      ['query', 'lastEventId', false],
    ]);
  });

  it('documents the events the library sends, and what it sends matches them', async () => {
    const media = stream(dereference(doc), '/feed');
    const media32 = stream(dereference(doc32), '/feed');
    assert.deepEqual(
      stream(doc, '/feed').schema.oneOf.map((v: Doc) => v.title),
      ['connected', 'history-gap', 'notice', 'stream-error'],
    );
    // An id never issued: connected, then history-gap (unknown).
    const reader = await SseReader.open(`${url}/feed?channel=news`, {
      'last-event-id': 'never-issued',
    });
    try {
      await reader.take(2);
      const posted = await http('POST', `${url}/notify`, {
        body: { text: 'hi' },
      });
      assert.equal(posted.status, 201, posted.text);
      const events = await reader.take(3);
      assert.deepEqual(
        events.map((e) => e.event),
        ['connected', 'history-gap', 'notice'],
      );
      assert.deepEqual(eventMismatches(events, media, media32), []);
    } finally {
      reader.close();
    }
  });

  it('documents stream-error on a stream of its own, and the one sent matches it', async () => {
    const media = stream(dereference(doc), '/failing');
    assert.deepEqual(
      stream(doc, '/failing').schema.oneOf.map((v: Doc) => v.title),
      ['tick', 'stream-error'],
    );
    const reader = await SseReader.open(`${url}/failing`);
    try {
      const events = await reader.take(2);
      assert.deepEqual(
        events.map((e) => e.event),
        ['tick', 'stream-error'],
      );
      assert.deepEqual(eventMismatches(events, media), []);
      // Not vacuous: a stream-error without its message is refused.
      assert.notDeepEqual(
        check30(media.schema, { event: 'stream-error', data: {} }),
        [],
      );
    } finally {
      reader.close();
    }
  });
});

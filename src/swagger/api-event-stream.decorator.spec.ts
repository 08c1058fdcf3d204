import 'reflect-metadata';
import {
  Controller,
  Get,
  Headers,
  ParseIntPipe,
  Query,
  Sse,
} from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ApiHeader,
  ApiProperty,
  ApiQuery,
  DocumentBuilder,
  SwaggerModule,
} from '@nestjs/swagger';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LastEventId, SseRoute } from '../index.js';
import {
  ApiEventStream,
  SseStreamErrorEvent,
  promoteItemSchemas,
} from './index.js';

class PriceDto {
  @ApiProperty()
  symbol: string;

  @ApiProperty()
  price: number;
}

@Controller()
class StreamsController {
  @Get('prices')
  @ApiEventStream({
    events: { price: PriceDto, note: { type: 'string' } },
    broadcast: false,
  })
  prices() {}

  @Get('single')
  @ApiEventStream({
    events: { 'stream-error': { type: 'string' } },
    broadcast: false,
    status: 200,
  })
  single() {}

  @Get('relay')
  @ApiEventStream({
    events: { ready: { type: 'object', properties: {} } },
    otherEvents: { description: 'anything', example: { a: 1 } },
    description: 'A relay',
  })
  relay() {}
}

/** The README's controller: a broadcast stream, its values read by name. */
@Controller()
class FeedController {
  @SseRoute('feed')
  @ApiEventStream({ events: { notice: { type: 'string' } } })
  feed(
    @Query('channel') channel?: string,
    @Headers('last-event-id') lastEventId?: string,
  ) {
    return { channel, lastEventId };
  }

  @Sse('resume')
  @ApiEventStream({ events: { notice: { type: 'string' } } })
  resume(@LastEventId() lastEventId?: string) {
    return lastEventId;
  }

  // Declared by the route: above or below, what it says wins.
  @SseRoute('declared')
  @ApiQuery({ name: 'channel', description: 'above', required: true })
  @ApiEventStream({ events: { connected: SseStreamErrorEvent } })
  @ApiHeader({ name: 'Last-Event-ID', description: 'below' })
  declared(
    @Query('channel') channel?: string,
    @LastEventId() lastEventId?: string,
    @Query('page', ParseIntPipe) page?: number,
  ) {
    return { channel, lastEventId, page };
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

describe('ApiEventStream', () => {
  let app: INestApplication;
  let doc: Doc;
  const media = (d: Doc, path: string) =>
    d.paths[path].get.responses['200'].content['text/event-stream'];

  before(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [StreamsController, FeedController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const config = new DocumentBuilder().setTitle('t').build();
    doc = SwaggerModule.createDocument(app, config);
  });
  after(() => app.close());

  it('describes each event as an envelope, one variant per event', () => {
    const { schema } = media(doc, '/prices');
    assert.deepEqual(
      schema.oneOf.map((v: Doc) => [v.title, v.properties.event.enum]),
      [
        ['price', ['price']],
        ['note', ['note']],
        ['stream-error', ['stream-error']],
      ],
    );
    const [price, note] = schema.oneOf;
    assert.deepEqual(price.required, ['event', 'data']);
    assert.deepEqual(price.properties.data, {
      $ref: '#/components/schemas/PriceDto',
    });
    assert.deepEqual(note.properties.data, { type: 'string' });
    assert.equal(price.properties.retry.type, 'integer');
    assert.equal(price.properties.id.type, 'string');
    assert.ok(doc.components.schemas.PriceDto, 'the DTO is a component');
  });

  it('carries the 3.2 item form in x-itemSchema, JSON payloads as contentSchema', () => {
    const item = media(doc, '/prices')['x-itemSchema'];
    const [price, note] = item.oneOf;
    assert.deepEqual(price.properties.event, {
      type: 'string',
      const: 'price',
    });
    assert.deepEqual(price.properties.data, {
      type: 'string',
      contentMediaType: 'application/json',
      contentSchema: { $ref: '#/components/schemas/PriceDto' },
    });
    // A string payload goes out as it is: no JSON to decode.
    assert.deepEqual(note.properties.data, { type: 'string' });
  });

  it('uses the variant itself, not a oneOf, for a single event (a declared one replaces the library event of its name)', () => {
    const { schema } = media(doc, '/single');
    assert.equal(schema.oneOf, undefined);
    assert.equal(schema.title, 'stream-error');
    assert.deepEqual(schema.properties.data, { type: 'string' });
  });

  it('adds a variant for other names that excludes the declared ones', () => {
    const m = media(doc, '/relay');
    assert.equal(
      doc.paths['/relay'].get.responses['200'].description,
      'A relay',
    );
    const other = m.schema.oneOf.at(-1);
    assert.equal(other.title, 'other events');
    assert.deepEqual(other.properties.event.not, {
      enum: ['connected', 'history-gap', 'ready', 'stream-error'],
    });
    const otherItem = m['x-itemSchema'].oneOf.at(-1).properties.data;
    // Untyped payloads may be strings, so no JSON claim; the example as sent.
    assert.deepEqual(otherItem, {
      description: 'anything',
      type: 'string',
      example: '{"a":1}',
    });
  });

  it('promoteItemSchemas leaves a 3.0 document as it is', () => {
    assert.equal(promoteItemSchemas(doc), doc);
  });

  it('promoteItemSchemas gives a 3.2 document the native itemSchema', () => {
    const config = new DocumentBuilder()
      .setTitle('t')
      .setOpenAPIVersion('3.2.0')
      .build();
    const raw = SwaggerModule.createDocument(app, config);
    const before = structuredClone(raw);
    const promoted = promoteItemSchemas(raw);
    assert.deepEqual(raw, before, 'the input is not changed');
    for (const path of ['/prices', '/single', '/relay', '/feed']) {
      const m = media(promoted, path);
      const item = media(raw, path)['x-itemSchema'];
      assert.deepEqual(m, {
        schema: { type: 'array', items: item },
        itemSchema: item,
      });
    }
  });

  it("adds the library's own events to every stream, documented, without their being declared", () => {
    const names = (path: string) =>
      media(doc, path).schema.oneOf.map((v: Doc) => v.title);
    assert.deepEqual(names('/feed'), [
      'connected',
      'history-gap',
      'notice',
      'stream-error',
    ]);
    // broadcast: false, a stream of the route's own: only stream-error.
    assert.deepEqual(names('/prices'), ['price', 'note', 'stream-error']);

    const [connected, gap] = media(doc, '/feed').schema.oneOf;
    assert.deepEqual(connected.properties.data, {
      $ref: '#/components/schemas/SseConnectedEvent',
    });
    assert.match(connected.description, /First event of a broadcast stream/);
    assert.deepEqual(gap.properties.data, {
      $ref: '#/components/schemas/SseHistoryGapEvent',
    });
    const schemas = doc.components.schemas;
    assert.deepEqual(schemas.SseConnectedEvent.required, [
      'clientId',
      'serverTime',
    ]);
    assert.deepEqual(schemas.SseHistoryGapEvent.properties.reason.enum, [
      'expired',
      'unknown',
    ]);
    assert.equal(
      schemas.SseHistoryGapEvent.properties.replayed.type,
      'integer',
    );
    assert.deepEqual(Object.keys(schemas.SseStreamErrorEvent.properties), [
      'message',
    ]);
    // 3.2 form: JSON text whose content is the component.
    const item = media(doc, '/feed')['x-itemSchema'].oneOf[0];
    assert.deepEqual(item.properties.data.contentSchema, {
      $ref: '#/components/schemas/SseConnectedEvent',
    });
    // A declared event of the same name replaces the library's.
    const declared = media(doc, '/declared').schema.oneOf[0];
    assert.equal(declared.title, 'connected');
    assert.deepEqual(declared.properties.data, {
      $ref: '#/components/schemas/SseStreamErrorEvent',
    });
    assert.equal(declared.description, undefined);
  });

  const parameters = (path: string) =>
    Object.fromEntries(
      (doc.paths[path].get.parameters as Doc[]).map((p) => [
        `${p.in} ${p.name}`,
        p,
      ]),
    );

  it("documents the values the README's controller reads by name as optional", () => {
    const feed = parameters('/feed');
    assert.deepEqual(Object.keys(feed).sort(), [
      'header last-event-id',
      'query channel',
    ]);
    assert.equal(feed['query channel'].required, false);
    assert.deepEqual(feed['query channel'].schema, { type: 'string' });
    assert.equal(feed['header last-event-id'].required, false);
    assert.match(feed['header last-event-id'].description, /replays/);
  });

  it('documents what @LastEventId() reads: the Last-Event-ID header and ?lastEventId=, both optional', () => {
    const resume = parameters('/resume');
    assert.deepEqual(Object.keys(resume).sort(), [
      'header last-event-id',
      'query lastEventId',
    ]);
    for (const parameter of Object.values<Doc>(resume)) {
      assert.equal(parameter.required, false);
      assert.deepEqual(parameter.schema, { type: 'string' });
    }
  });

  it('leaves what the route declares itself, above or below, and values behind a pipe, as they are', () => {
    const declared = parameters('/declared');
    assert.deepEqual(Object.keys(declared).sort(), [
      'header Last-Event-ID',
      'query channel',
      'query lastEventId',
      'query page',
    ]);
    assert.equal(declared['query channel'].description, 'above');
    assert.equal(declared['query channel'].required, true);
    assert.equal(declared['header Last-Event-ID'].description, 'below');
    assert.equal(declared['query lastEventId'].required, false);
    // ParseIntPipe refuses a missing value: required, as Nest documents it.
    assert.equal(declared['query page'].required, true);
  });
});

import 'reflect-metadata';
import { Controller, Get } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiProperty, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiEventStream, promoteItemSchemas } from './index.js';

class PriceDto {
  @ApiProperty()
  symbol: string;

  @ApiProperty()
  price: number;
}

@Controller()
class StreamsController {
  @Get('prices')
  @ApiEventStream({ events: { price: PriceDto, note: { type: 'string' } } })
  prices() {}

  @Get('single')
  @ApiEventStream({ events: { price: PriceDto }, status: 200 })
  single() {}

  @Get('relay')
  @ApiEventStream({
    events: { ready: { type: 'object', properties: {} } },
    otherEvents: { description: 'anything', example: { a: 1 } },
    description: 'A relay',
  })
  relay() {}
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
      controllers: [StreamsController],
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

  it('uses the variant itself, not a oneOf, for a single event', () => {
    const { schema } = media(doc, '/single');
    assert.equal(schema.oneOf, undefined);
    assert.equal(schema.title, 'price');
  });

  it('adds a variant for other names that excludes the declared ones', () => {
    const m = media(doc, '/relay');
    assert.equal(
      doc.paths['/relay'].get.responses['200'].description,
      'A relay',
    );
    const other = m.schema.oneOf[1];
    assert.equal(other.title, 'other events');
    assert.deepEqual(other.properties.event.not, { enum: ['ready'] });
    const otherItem = m['x-itemSchema'].oneOf[1].properties.data;
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
    for (const path of ['/prices', '/single', '/relay']) {
      const m = media(promoted, path);
      const item = media(raw, path)['x-itemSchema'];
      assert.deepEqual(m, {
        schema: { type: 'array', items: item },
        itemSchema: item,
      });
    }
  });
});

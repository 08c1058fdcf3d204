import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  normalizeLineBreaks,
  parseSse,
  parseSseBytes,
} from '../../test/support/parse-sse.js';
import { InvalidSseFieldException } from '../errors/invalid-sse-field.exception.js';
import { SseFrame, checkField, serializeData } from './sse-frame.js';
import type { SseMessage } from './sse-message.js';

/** Pieces that stress the framing: line breaks, NUL, field look-alikes, BOM, multi-byte text. */
const tricky = fc.constantFrom(
  '\n',
  '\r',
  '\r\n',
  '\n\n',
  '\0',
  ':',
  ' ',
  'data: x',
  'event: fake',
  'id: 999',
  'retry: 1',
  '\uFEFF',
  'é',
  '€',
  '😀',
);
/** Any text, with the tricky pieces mixed in often. */
const anyText = fc.string({
  unit: fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    tricky,
  ),
  maxLength: 60,
});
/** Any sequence of UTF-16 code units, lone surrogates included. */
const anyUtf16 = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 20,
});
const singleLine = anyText.filter(
  (s) => !/[\r\n\0]/.test(s) && s.isWellFormed(),
);
const withForbidden = fc
  .tuple(anyText, fc.constantFrom('\r', '\n', '\0'), anyText)
  .map(([a, bad, b]) => a + bad + b);

const text = (frame: SseFrame) => frame.bytes.toString('utf8');

describe('SseFrame (wire encoding)', () => {
  it('encodes id, event, retry and data in that order, ending with a blank line', () => {
    const frame = SseFrame.from({
      type: 'tick',
      id: '7',
      retry: 2000,
      data: { i: 7 },
    });
    assert.equal(
      text(frame),
      'id: 7\nevent: tick\nretry: 2000\ndata: {"i":7}\n\n',
    );
    assert.deepEqual(
      { data: frame.data, type: frame.type, id: frame.id, retry: frame.retry },
      { data: '{"i":7}', type: 'tick', id: '7', retry: 2000 },
    );
  });

  it('splits multi-line data on LF, CRLF and CR into data: lines', () => {
    assert.equal(
      text(SseFrame.from({ data: 'a\nb\r\nc\rd' })),
      'data: a\ndata: b\ndata: c\ndata: d\n\n',
    );
  });

  it('cannot be made to carry a second event through its data', () => {
    const payload = 'x\n\nevent: fake\nid: 666\ndata: injected\n\n';
    const parsed = parseSseBytes(
      SseFrame.from({ type: 'real', id: '1', data: payload }).bytes,
    );
    assert.equal(parsed.events.length, 1);
    assert.equal(parsed.events[0].event, 'real');
    assert.equal(parsed.events[0].id, '1');
    assert.equal(parsed.events[0].data, payload);
  });

  it('writes strings as they are and anything else as JSON', () => {
    assert.equal(SseFrame.from({ data: 'hi' }).data, 'hi');
    assert.equal(SseFrame.from({ data: '"hi"' }).data, '"hi"');
    assert.equal(SseFrame.from({ data: 42 }).data, '42');
    assert.equal(SseFrame.from({ data: null }).data, 'null');
    assert.equal(SseFrame.from({ data: [1, 'a'] }).data, '[1,"a"]');
  });

  it('writes JSON on one data line, line breaks in strings escaped', () => {
    const withToJson = { toJSON: () => 'a\nb\r\nc' };
    for (const data of [{ text: 'one\ntwo\rthree' }, withToJson, ['x\n']]) {
      const wire = text(SseFrame.from({ data }));
      assert.equal(wire, `data: ${JSON.stringify(data)}\n\n`);
      assert.equal(wire.split('\n').length, 3);
    }
  });

  it('is UTF-8 on the wire', () => {
    const frame = SseFrame.from({ data: 'héllo € 😀 日本' });
    assert.deepEqual(
      frame.bytes,
      Buffer.from('data: héllo € 😀 日本\n\n', 'utf8'),
    );
    assert.equal(parseSseBytes(frame.bytes).events[0].data, 'héllo € 😀 日本');
  });

  it('leaves out an empty event name (the client dispatches "message")', () => {
    const frame = SseFrame.from({ type: '', data: 'x' });
    assert.equal(text(frame), 'data: x\n\n');
    assert.equal(parseSseBytes(frame.bytes).events[0].event, undefined);
  });

  it('allows an empty id, which resets the client last event id', () => {
    const frame = SseFrame.from({ id: '', data: 'x' });
    assert.equal(text(frame), 'id: \ndata: x\n\n');
    assert.equal(parseSseBytes(frame.bytes).events[0].id, '');
  });

  it('encodes comments (keep-alives) as ": " lines that dispatch nothing', () => {
    const frame = SseFrame.comment('keep-alive 2026-01-01T00:00:00.000Z');
    assert.equal(text(frame), ': keep-alive 2026-01-01T00:00:00.000Z\n\n');
    const multi = parseSseBytes(SseFrame.comment('a\nb\r\nc').bytes);
    assert.deepEqual(multi.comments, ['a', 'b', 'c']);
    assert.equal(multi.events.length, 0);
    const withEvent = SseFrame.from({ comment: 'hello\nworld', data: 'd' });
    assert.equal(text(withEvent), ': hello\n: world\ndata: d\n\n');
  });

  it('encodes a retry-only frame that sets the delay and dispatches nothing', () => {
    const frame = SseFrame.retry(5000);
    assert.equal(text(frame), 'retry: 5000\n\n');
    const parsed = parseSseBytes(frame.bytes);
    assert.deepEqual(parsed.retries, [5000]);
    assert.equal(parsed.events.length, 0);
  });

  it('refuses a CR, LF or NUL in event and id with a typed 400 error', () => {
    for (const bad of ['a\nb', 'a\rb', 'a\r\nb', 'a\0b', '\n']) {
      for (const field of ['type', 'id'] as const) {
        assert.throws(
          () => SseFrame.from({ data: 'x', [field]: bad }),
          (err: unknown) =>
            err instanceof InvalidSseFieldException &&
            err.field === (field === 'type' ? 'event' : 'id') &&
            err.getStatus() === 400 &&
            /CR, LF or NUL/.test(err.message),
        );
      }
    }
  });

  it('refuses a retry that is not a non-negative integer', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 60]) {
      assert.throws(
        () => SseFrame.from({ data: 'x', retry: bad }),
        (err: unknown) =>
          err instanceof InvalidSseFieldException && err.field === 'retry',
      );
      assert.throws(() => SseFrame.retry(bad), InvalidSseFieldException);
    }
    assert.equal(
      text(SseFrame.from({ data: 'x', retry: 0 })),
      'retry: 0\ndata: x\n\n',
    );
  });
});

describe('serializeData and checkField', () => {
  it('refuses data that JSON cannot carry, saying why', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [unknown, RegExp][] = [
      [undefined, /must not be undefined/],
      [10n, /cannot be serialized/],
      [cyclic, /cannot be serialized/],
      [() => 1, /a function is not JSON/],
      [Symbol('s'), /a symbol is not JSON/],
      ['lone \uD800 surrogate', /well-formed/],
    ];
    for (const [data, message] of cases) {
      assert.throws(
        () => serializeData(data),
        (err: unknown) =>
          err instanceof InvalidSseFieldException &&
          err.field === 'data' &&
          message.test(err.message),
        `for ${String(typeof data)}`,
      );
    }
  });

  it('escapes lone surrogates inside objects (JSON keeps them)', () => {
    const text = serializeData({ s: '\uDC00' });
    assert.equal(text, '{"s":"\\udc00"}');
    assert.deepEqual(JSON.parse(text), { s: '\uDC00' });
  });

  it('refuses empty, non-string or broken single-line fields', () => {
    assert.throws(() => checkField('event', ''), /must not be empty/);
    assert.equal(checkField('id', '', true), '');
    assert.throws(
      () => checkField('channel', 5 as unknown as string),
      /must be a string/,
    );
    assert.throws(() => checkField('event', 'a\uD800'), /well-formed/);
    assert.equal(checkField('event', 'news.fr:flash-1_x'), 'news.fr:flash-1_x');
  });
});

describe('SseFrame round trip through eventsource-parser (properties)', () => {
  it('any string payload comes back (line breaks normalized to LF, as the spec does)', () => {
    fc.assert(
      fc.property(anyText, (data) => {
        fc.pre(data.isWellFormed());
        const parsed = parseSseBytes(SseFrame.from({ data }).bytes);
        assert.equal(parsed.events.length, 1);
        assert.equal(parsed.events[0].data, normalizeLineBreaks(data));
      }),
      { numRuns: 500 },
    );
  });

  it('any full-Unicode string comes back exactly when it has no CR', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (raw) => {
        const data = raw.replace(/\r/g, '');
        const parsed = parseSseBytes(SseFrame.from({ data }).bytes);
        assert.deepEqual(
          parsed.events.map((e) => e.data),
          [data],
        );
      }),
      { numRuns: 300 },
    );
  });

  it('any JSON value comes back exactly (a string as itself, the rest as JSON)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = parseSseBytes(SseFrame.from({ data: value }).bytes);
        assert.equal(parsed.events.length, 1);
        const data = parsed.events[0].data;
        if (typeof value === 'string') {
          assert.equal(data, normalizeLineBreaks(value));
        } else {
          assert.deepEqual(JSON.parse(data), JSON.parse(JSON.stringify(value)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('any allowed event name and id come back exactly', () => {
    fc.assert(
      fc.property(
        singleLine.filter((s) => s.length > 0),
        singleLine,
        (type, id) => {
          const parsed = parseSseBytes(
            SseFrame.from({ type, id, data: 'x' }).bytes,
          );
          assert.equal(parsed.events.length, 1);
          assert.equal(parsed.events[0].event, type);
          assert.equal(parsed.events[0].id, id);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any event name or id with CR, LF or NUL is refused, never encoded', () => {
    fc.assert(
      fc.property(
        withForbidden,
        fc.constantFrom('type', 'id'),
        (bad, field) => {
          assert.throws(
            () => SseFrame.from({ data: 'x', [field]: bad }),
            InvalidSseFieldException,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any UTF-16 payload is either encoded faithfully or refused', () => {
    fc.assert(
      fc.property(anyUtf16, (data) => {
        if (!data.isWellFormed()) {
          assert.throws(
            () => SseFrame.from({ data }),
            InvalidSseFieldException,
          );
          return;
        }
        const parsed = parseSseBytes(SseFrame.from({ data }).bytes);
        assert.equal(parsed.events[0].data, normalizeLineBreaks(data));
      }),
      { numRuns: 300 },
    );
  });

  it('a stream of frames cut at any byte boundary reads back as the same events, comments and retries', () => {
    const message: fc.Arbitrary<SseMessage> = fc.record(
      {
        data: fc.oneof(anyText, fc.jsonValue()),
        type: singleLine,
        id: singleLine,
        retry: fc.nat({ max: 100_000 }),
        comment: anyText,
      },
      { requiredKeys: ['data'] },
    );
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (messages, cutPoints) => {
          const usable = messages.filter((m) => {
            const all = [m.data, m.comment].filter(
              (v): v is string => typeof v === 'string',
            );
            return all.every((v) => v.isWellFormed());
          });
          fc.pre(usable.length > 0);
          const bytes = Buffer.concat(
            usable.map((m) => SseFrame.from(m).bytes),
          );
          const cuts = [...new Set(cutPoints.map((c) => c % bytes.length))]
            .filter((c) => c > 0)
            .sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let start = 0;
          for (const cut of [...cuts, bytes.length]) {
            chunks.push(bytes.subarray(start, cut));
            start = cut;
          }
          const parsed = parseSse(chunks);

          assert.equal(parsed.events.length, usable.length);
          usable.forEach((m, i) => {
            const event = parsed.events[i];
            const expected =
              typeof m.data === 'string'
                ? normalizeLineBreaks(m.data)
                : JSON.stringify(m.data);
            assert.equal(event.data, expected);
            assert.equal(event.event, m.type === '' ? undefined : m.type);
            // eventsource-parser reports each event's own id: field.
            assert.equal(event.id, m.id);
          });
          assert.deepEqual(
            parsed.retries,
            usable.filter((m) => m.retry !== undefined).map((m) => m.retry),
          );
          assert.deepEqual(
            parsed.comments,
            usable.flatMap((m) =>
              m.comment === undefined ? [] : m.comment.split(/\r\n|\r|\n/),
            ),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

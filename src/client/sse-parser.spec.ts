import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createSseParser } from './sse-parser.js';
import type { MessageEventLike } from './typed-event-source.js';

/** Feeds `chunks` to a fresh parser; the events and retries it reports. */
function parse(chunks: string[], lastEventId = '') {
  const events: MessageEventLike[] = [];
  const retries: number[] = [];
  const parser = createSseParser(lastEventId, {
    onEvent: (event) => events.push(event),
    onRetry: (ms) => retries.push(ms),
  });
  for (const chunk of chunks) parser.feed(chunk);
  return { events, retries, lastEventId: parser.lastEventId };
}

/** `text` cut at the given offsets. */
const cut = (text: string, offsets: number[]) => {
  const at = [...new Set(offsets.map((o) => o % (text.length + 1)))].sort(
    (a, b) => a - b,
  );
  return [0, ...at].map((start, i) => text.slice(start, at[i] ?? text.length));
};

describe('createSseParser', () => {
  const stream =
    '\uFEFF: keep-alive\r\nretry: 1500\nevent: tick\nid: 7\ndata: {"i":1}\n\n' +
    'data: a\r\ndata: b\r\rid\n\ndata: no\0id\nid: x\0y\n\nevent: end\ndata\n\n';
  const expected = [
    { type: 'tick', data: '{"i":1}', lastEventId: '7' },
    { type: 'message', data: 'a\nb', lastEventId: '7' },
    // `id` alone resets the last id; an id with NUL is ignored.
    { type: 'message', data: 'no\0id', lastEventId: '' },
    { type: 'end', data: '', lastEventId: '' },
  ];

  it('reads fields, comments, line ends, BOM, retry and ids as the spec says', () => {
    const { events, retries } = parse([stream]);
    assert.deepEqual(events, expected);
    assert.deepEqual(retries, [1500]);
  });

  it('gives the same events however the text is cut (a CRLF too)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (offsets) => {
        assert.deepEqual(parse(cut(stream, offsets)).events, expected);
      }),
    );
  });

  it('starts from the id it resumes from, as EventSource keeps its last id', () => {
    const { events } = parse(['event: connected\ndata: {}\n\n'], '41');
    assert.deepEqual(events, [
      { type: 'connected', data: '{}', lastEventId: '41' },
    ]);
  });

  it('holds an unfinished event until its blank line', () => {
    const { events } = parse(['data: half\n']);
    assert.deepEqual(events, []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseFrame } from '../framing/sse-frame.js';
import { envelopeOf } from './redis-envelope.spec-helper.js';
import { decodeEnvelope } from './redis-envelope.js';

describe('Redis envelope', () => {
  it('gives back the frame the publisher encoded, byte for byte', () => {
    const data = JSON.stringify({ text: 'héllo\nworld', n: [1, 2] });
    const { prev, token, event } = decodeEnvelope(
      envelopeOf(1795000000000002, 1795000000000001, {
        event: 'notice',
        data,
        channel: 'news',
        token: 'abc:1',
      }),
    );
    assert.equal(prev, 1795000000000001);
    assert.equal(token, 'abc:1');
    assert.equal(event.seq, 1795000000000002);
    assert.equal(event.id, '1795000000000002');
    assert.equal(event.event, 'notice');
    assert.equal(event.channel, 'news');
    const expected = SseFrame.from({ id: event.id, type: 'notice', data });
    assert.deepEqual(event.frame.bytes, expected.bytes);
    assert.equal(event.frame.data, data);
    assert.equal(event.frame.type, 'notice');
    assert.equal(event.frame.id, event.id);
  });

  it('keeps an id the publisher chose', () => {
    const { event } = decodeEnvelope(envelopeOf(7, 6, { id: 'order-42' }));
    assert.equal(event.id, 'order-42');
    assert.equal(event.seq, 7);
    assert.match(event.frame.bytes.toString(), /^id: order-42\n/);
    assert.equal(event.channel, undefined);
  });

  it('carries the addressing: user, except user, except client', () => {
    const { event } = decodeEnvelope(
      envelopeOf(8, 7, {
        user: 'alice',
        exceptUser: 'bob',
        exceptClient: 'tab-1',
      }),
    );
    assert.deepEqual(
      [event.user, event.exceptUser, event.exceptClient],
      ['alice', 'bob', 'tab-1'],
    );
    const plain = decodeEnvelope(envelopeOf(9, 8)).event;
    assert.deepEqual(
      [plain.user, plain.exceptUser, plain.exceptClient],
      [undefined, undefined, undefined],
    );
  });

  it('refuses what this transport did not write', () => {
    for (const junk of [
      'hello',
      '1 2 {}\n',
      '1 x {"e":"a"}\nid: 1\n',
      'a 1 {"e":"a"}\n',
      '',
    ]) {
      assert.throws(
        () => decodeEnvelope(Buffer.from(junk)),
        /Not an SSE event envelope/,
      );
    }
  });
});

describe('SseFrame.fromEncoded', () => {
  it('keeps the bytes and reads the data lines back', () => {
    const original = SseFrame.from({ id: '9', type: 'e', data: 'a\r\nb\nc' });
    const copy = SseFrame.fromEncoded(original.bytes, { type: 'e', id: '9' });
    assert.equal(copy.bytes, original.bytes);
    assert.equal(copy.data, 'a\nb\nc');
    assert.equal(copy.type, 'e');
    assert.equal(copy.id, '9');
  });
});

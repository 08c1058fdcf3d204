import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransportUnavailableException } from '../errors/transport-unavailable.exception.js';
import { RedisTransport } from './index.js';
import { resolveRedisTransportOptions } from './redis-transport-options.js';

describe('RedisTransport options', () => {
  it('needs exactly one of url and client', () => {
    assert.throws(
      () => resolveRedisTransportOptions({}),
      /either `url` or `client`/,
    );
    const transport = new RedisTransport({ url: 'redis://127.0.0.1:1' });
    assert.throws(
      () =>
        resolveRedisTransportOptions({
          url: 'redis://127.0.0.1:1',
          client: (transport as unknown as { commands: never }).commands,
        }),
      /either `url` or `client`/,
    );
  });

  it('applies the defaults once and refuses bad numbers', () => {
    assert.deepEqual(resolveRedisTransportOptions({ url: 'redis://h' }), {
      url: 'redis://h',
      client: undefined,
      redisOptions: {},
      keyPrefix: 'sse:',
      historySize: 1000,
      connectTimeoutMs: 5000,
      commandTimeoutMs: 2000,
      presenceTtlMs: 30_000,
    });
    for (const bad of [
      { historySize: -1 },
      { historySize: 1.5 },
      { connectTimeoutMs: 0 },
      { commandTimeoutMs: Number.NaN },
      { presenceTtlMs: 299 },
      { presenceTtlMs: Infinity },
    ]) {
      assert.throws(
        () => resolveRedisTransportOptions({ url: 'redis://h', ...bad }),
        /RedisTransport option \w+ must be an integer/,
      );
    }
    assert.throws(
      () =>
        resolveRedisTransportOptions({
          url: 'redis://h',
          historySize: '50' as unknown as number,
        }),
      {
        message:
          'RedisTransport option historySize must be an integer of at least 0, got the string "50" (convert it: Number(value))',
      },
    );
  });
});

describe('RedisTransport before it connects', () => {
  it('opens no connection when built, and refuses to publish with a 503', async () => {
    const transport = new RedisTransport({ url: 'redis://127.0.0.1:1' });
    await assert.rejects(
      transport.publish({ event: 'e', data: '1' }),
      (err: unknown) => {
        assert.ok(err instanceof TransportUnavailableException);
        assert.equal(err.getStatus(), 503);
        assert.match(err.message, /Redis is not connected \(connection wait\)/);
        return true;
      },
    );
    await assert.rejects(
      transport.replay('1', []),
      TransportUnavailableException,
    );
    await transport.close();
  });

  it('refuses a field that would break the framing before touching Redis', async () => {
    const transport = new RedisTransport({ url: 'redis://127.0.0.1:1' });
    await assert.rejects(
      transport.publish({ event: 'e', data: '1', id: 'a\nb' }),
      /Invalid SSE id/,
    );
    await transport.close();
  });
});

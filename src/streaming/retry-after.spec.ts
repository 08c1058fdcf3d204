import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerResponse } from 'node:http';
import { TooManyClientsException } from '../errors/too-many-clients.exception.js';
import { TooManyClientsFromAddressException } from '../errors/too-many-clients-from-address.exception.js';
import { resolveSseOptions } from '../resolved-sse-options.js';
import { applyRetryAfter } from './retry-after.js';

function fakeResponse(headersSent = false) {
  const headers: Record<string, string> = {};
  const response = {
    headersSent,
    setHeader: (name: string, value: string) => (headers[name] = value),
  } as unknown as ServerResponse;
  return { response, headers };
}

describe('Retry-After', () => {
  it('is set from the error that carries it, in whole seconds', () => {
    const { response, headers } = fakeResponse();
    applyRetryAfter(response, new TooManyClientsException(5, 2.2));
    assert.deepEqual(headers, { 'Retry-After': '3' });
  });

  it('is left alone for other errors, or once headers are out', () => {
    const other = fakeResponse();
    applyRetryAfter(other.response, new Error('x'));
    applyRetryAfter(other.response, null);
    applyRetryAfter(other.response, new TooManyClientsException(1));
    assert.deepEqual(other.headers, {});
    const sent = fakeResponse(true);
    applyRetryAfter(
      sent.response,
      new TooManyClientsFromAddressException(1, 4),
    );
    assert.deepEqual(sent.headers, {});
  });

  it('the 429 error is JSON in Nest shape', () => {
    const error = new TooManyClientsFromAddressException(3, 2);
    assert.equal(error.getStatus(), 429);
    assert.deepEqual(error.getResponse(), {
      statusCode: 429,
      message: 'Too many SSE streams from this address: at most 3 at once',
      error: 'Too Many Requests',
    });
  });

  it('defaults to retryMs in whole seconds (at least 1), or the option', () => {
    assert.equal(resolveSseOptions({}).retryAfterSeconds, 2);
    assert.equal(resolveSseOptions({ retryMs: 2500 }).retryAfterSeconds, 3);
    assert.equal(resolveSseOptions({ retryMs: 0 }).retryAfterSeconds, 1);
    assert.equal(
      resolveSseOptions({ retryAfterSeconds: 30 }).retryAfterSeconds,
      30,
    );
    assert.throws(
      () => resolveSseOptions({ maxClientsPerAddress: -1 }),
      /maxClientsPerAddress must be a non-negative number/,
    );
    assert.throws(
      () => resolveSseOptions({ authorize: 'yes' as never }),
      /authorize must be a function/,
    );
  });
});

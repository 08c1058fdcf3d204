import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnauthorizedException } from '@nestjs/common';
import { InvalidSseFieldException } from '../errors/invalid-sse-field.exception.js';
import { identifyStream } from './stream-identity.js';

const request = { headers: {} };

describe('identifyStream', () => {
  it('is anonymous without a hook', () => {
    assert.equal(identifyStream(undefined, undefined), undefined);
  });

  it('fails closed when the hook is set but no request was passed', () => {
    assert.throws(
      () => identifyStream(() => 'alice', undefined),
      /pass the request to BroadcastService.stream/,
    );
  });

  it('answers a synchronous id at once, with the request; undefined and null are anonymous', () => {
    const seen: unknown[] = [];
    const id = identifyStream((req) => {
      seen.push(req);
      return 'user:42';
    }, request);
    assert.equal(id, 'user:42');
    assert.deepEqual(seen, [request]);
    assert.equal(
      identifyStream(() => undefined, request),
      undefined,
    );
    assert.equal(
      identifyStream(() => null, request),
      undefined,
    );
  });

  it('answers a promise for an asynchronous id, checked when it settles', async () => {
    const id = identifyStream(() => Promise.resolve('alice'), request);
    assert.ok(id instanceof Promise);
    assert.equal(await id, 'alice');
    await assert.rejects(
      identifyStream(
        () => Promise.resolve('not valid'),
        request,
      ) as Promise<unknown>,
      InvalidSseFieldException,
    );
  });

  it('refuses an id that breaks the channel-name rule with a 400 on field "user"', () => {
    for (const bad of ['', 'a b', 'x'.repeat(65), 'é', 'a\nb']) {
      assert.throws(
        () => identifyStream(() => bad, request),
        (err: unknown) =>
          err instanceof InvalidSseFieldException &&
          err.field === 'user' &&
          err.getStatus() === 400 &&
          /identify option returned an id/.test(err.message),
        JSON.stringify(bad),
      );
    }
  });

  it('calls a non-string answer a bug in the hook (TypeError), with a hint for numbers', () => {
    assert.throws(
      () => identifyStream(() => 42 as unknown as string, request),
      /identify must return a string, undefined or null, got the number 42 \(return String\(id\)\)/,
    );
    assert.throws(
      () => identifyStream(() => ({}) as unknown as string, request),
      TypeError,
    );
  });

  it('passes what the hook throws on, such as a 401', () => {
    assert.throws(
      () =>
        identifyStream(() => {
          throw new UnauthorizedException('bad token');
        }, request),
      UnauthorizedException,
    );
  });
});

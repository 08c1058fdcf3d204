import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnauthorizedException } from '@nestjs/common';
import { StreamForbiddenException } from '../errors/stream-forbidden.exception.js';
import { authorizeStream } from './stream-authorizer.js';

const request = { headers: {} };

describe('authorizeStream', () => {
  it('does nothing without a hook', () => {
    assert.equal(authorizeStream(undefined, undefined, ['a']), undefined);
  });

  it('fails closed when the hook is set but no request was passed', () => {
    assert.throws(
      () => authorizeStream(() => true, undefined, []),
      /pass the request to BroadcastService.stream/,
    );
  });

  it('allows a synchronous true at once, with the request and channels', () => {
    const seen: unknown[] = [];
    const verdict = authorizeStream(
      (req, channels) => {
        seen.push(req, channels);
        return true;
      },
      request,
      ['a', 'b'],
    );
    assert.equal(verdict, undefined);
    assert.deepEqual(seen, [request, ['a', 'b']]);
  });

  it('refuses a synchronous false (or anything but true) with a 403 naming the channels', () => {
    for (const answer of [false, undefined, 1, 'yes', {}]) {
      assert.throws(
        () => authorizeStream(() => answer as boolean, request, ['private:x']),
        (err: unknown) =>
          err instanceof StreamForbiddenException &&
          err.getStatus() === 403 &&
          /"private:x"/.test(err.message),
      );
    }
  });

  it('lets a thrown HttpException through (a 401)', () => {
    assert.throws(
      () =>
        authorizeStream(
          () => {
            throw new UnauthorizedException('token required');
          },
          request,
          [],
        ),
      UnauthorizedException,
    );
  });

  it('returns a promise for an asynchronous verdict: resolves on true, rejects with 403 otherwise', async () => {
    await authorizeStream(async () => true, request, ['a']);
    for (const answer of [false, undefined, 'true']) {
      await assert.rejects(
        authorizeStream(async () => answer as boolean, request, ['a'])!,
        StreamForbiddenException,
      );
    }
    await assert.rejects(
      authorizeStream(
        () => Promise.reject(new UnauthorizedException()),
        request,
        [],
      )!,
      UnauthorizedException,
    );
  });
});

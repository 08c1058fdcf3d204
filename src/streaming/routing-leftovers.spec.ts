import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { releaseRoutingLeftovers } from './routing-leftovers.js';

describe('releaseRoutingLeftovers', () => {
  it("drops Express's continuation and parsed URL, and keeps the rest", () => {
    const request = {
      url: '/sse/broadcast?channel=a',
      next: () => undefined,
      _parsedUrl: { pathname: '/sse/broadcast' },
      params: { room: 'a' },
      query: { channel: 'a' },
    };
    releaseRoutingLeftovers(request as unknown as IncomingMessage);
    assert.equal(request.next, undefined);
    assert.equal(request._parsedUrl, undefined);
    assert.deepEqual(request.params, { room: 'a' });
    assert.deepEqual(request.query, { channel: 'a' });
    assert.equal(request.url, '/sse/broadcast?channel=a');
  });

  it('leaves a request without them as it is', () => {
    const request = { url: '/x' };
    releaseRoutingLeftovers(request as unknown as IncomingMessage);
    assert.deepEqual(request, { url: '/x' });
  });
});

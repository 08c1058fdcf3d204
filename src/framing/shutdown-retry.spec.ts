import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSseBytes } from '../../test/support/parse-sse.js';
import { shutdownRetryFrame } from './shutdown-retry.js';

describe('shutdownRetryFrame', () => {
  it('is a retry-only frame within [retryMs, retryMs + spread], spread over that range', () => {
    const values = Array.from({ length: 2000 }, () => {
      const parsed = parseSseBytes(shutdownRetryFrame(1000, 4000).bytes);
      assert.deepEqual(parsed.events, [], 'dispatches no event');
      assert.equal(parsed.retries.length, 1);
      return parsed.retries[0];
    });
    assert.ok(Math.min(...values) >= 1000 && Math.max(...values) <= 5000);
    const quarters = [0, 0, 0, 0];
    for (const v of values)
      quarters[Math.min(3, Math.floor((v - 1000) / 1000))]++;
    for (const q of quarters) assert.ok(q > 350 && q < 650, `${quarters}`);
  });

  it('is exactly retryMs without a spread', () => {
    assert.equal(
      shutdownRetryFrame(2000, 0).bytes.toString(),
      'retry: 2000\n\n',
    );
  });
});

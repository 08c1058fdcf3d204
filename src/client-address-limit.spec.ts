import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientAddressLimit } from './client-address-limit.js';

describe('ClientAddressLimit', () => {
  it('admits up to the cap per address, each address on its own', () => {
    const limit = new ClientAddressLimit(2);
    assert.equal(limit.acquire('a'), true);
    assert.equal(limit.acquire('a'), true);
    assert.equal(limit.acquire('a'), false);
    assert.equal(limit.acquire('b'), true);
    limit.release('a');
    assert.equal(limit.acquire('a'), true);
    assert.equal(limit.acquire('a'), false);
  });

  it('forgets an address once its last stream is released, whatever the churn', () => {
    const limit = new ClientAddressLimit(3);
    for (let i = 0; i < 10_000; i++) {
      const address = `10.0.${i % 256}.${i % 7}`;
      assert.equal(limit.acquire(address), true);
      limit.release(address);
    }
    assert.equal(limit.addresses, 0);
    limit.release('never-seen');
    assert.equal(limit.addresses, 0);
  });

  it('admits everything with an infinite cap', () => {
    const limit = new ClientAddressLimit(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 1000; i++) assert.equal(limit.acquire('a'), true);
  });
});

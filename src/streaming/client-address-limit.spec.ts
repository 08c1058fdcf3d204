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

  it('gives every address its whole cap back once its streams are released, whatever the churn', () => {
    const limit = new ClientAddressLimit(3);
    const address = (i: number) => `10.0.${i % 256}.${i % 7}`;
    for (let i = 0; i < 10_000; i++) {
      assert.equal(limit.acquire(address(i)), true);
      limit.release(address(i));
    }
    for (let i = 0; i < 256 * 7; i++) {
      for (let n = 0; n < 3; n++) assert.equal(limit.acquire(address(i)), true);
      assert.equal(limit.acquire(address(i)), false);
      for (let n = 0; n < 3; n++) limit.release(address(i));
    }
  });

  it('ignores a release of an address with nothing open: it adds no place', () => {
    const limit = new ClientAddressLimit(1);
    limit.release('never-seen');
    assert.equal(limit.acquire('never-seen'), true);
    assert.equal(limit.acquire('never-seen'), false);
  });

  it('admits everything with an infinite cap', () => {
    const limit = new ClientAddressLimit(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 1000; i++) assert.equal(limit.acquire('a'), true);
  });
});

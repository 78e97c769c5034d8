import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRetryAfter, retryDelay } from '../src/index.js';

describe('retryDelay', () => {
  it('grows exponentially with half of each step random, up to the cap', () => {
    assert.equal(retryDelay(0, 200, 30_000, undefined, () => 0), 100);
    assert.equal(retryDelay(0, 200, 30_000, undefined, () => 1), 200);
    assert.equal(retryDelay(3, 200, 30_000, undefined, () => 0), 800);
    assert.equal(retryDelay(3, 200, 30_000, undefined, () => 1), 1_600);
    assert.equal(retryDelay(20, 200, 30_000, undefined, () => 1), 30_000);
    for (let i = 0; i < 100; i++) {
      const d = retryDelay(2, 200, 30_000);
      assert.ok(d >= 400 && d <= 800, String(d));
    }
  });

  it('never retries sooner than Retry-After, even past the cap', () => {
    assert.equal(retryDelay(0, 200, 30_000, 1_000, () => 1), 1_000);
    assert.equal(retryDelay(0, 200, 30_000, 120_000, () => 1), 120_000);
    assert.equal(retryDelay(5, 200, 30_000, 10, () => 0), 3_200);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('1'), 1_000);
    assert.equal(parseRetryAfter(' 2.5 '), 2_500);
    const now = Date.parse('2026-11-30T10:00:00Z');
    assert.equal(parseRetryAfter('Mon, 30 Nov 2026 10:00:05 GMT', now), 5_000);
    assert.equal(parseRetryAfter('Mon, 30 Nov 2026 09:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});

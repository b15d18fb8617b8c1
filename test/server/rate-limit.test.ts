/**
 * The rate limiters' memory and work under many keys (tR's finding 7): past 100 000 keys, each new
 * one swept them all and dropped only full buckets, so with none full every new key cost a full
 * scan (2 ms each, on the event loop) and the map grew without bound. And the throttle of their
 * refusals' log lines (finding 1). Work is counted, not timed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyedRateLimiter, LogThrottle, MAX_RATE_KEYS, TokenBucket } from '../../src/server/rate-limit.js';

afterEach(() => vi.restoreAllMocks());

describe('KeyedRateLimiter past its keys', () => {
  const limit = { perSecond: 1, burst: 5 };

  it('holds at most maxKeys, sweeping at most once per refill time however many new keys come, none full', () => {
    const limiter = new KeyedRateLimiter(limit, 1000);
    const full = vi.spyOn(TokenBucket.prototype, 'full');
    for (let i = 0; i < 1000; i++) limiter.take(`old${i}`, 0);
    for (let i = 0; i < 5000; i++) expect(limiter.take(`new${i}`, 1)).toBe(0);
    expect(limiter.size).toBe(1000);
    // One sweep (each bucket asked once): not one per new key.
    expect(full.mock.calls.length).toBeLessThanOrEqual(1000);
    // Past the refill time (5 s), one more.
    for (let i = 0; i < 5000; i++) limiter.take(`later${i}`, 6000);
    expect(limiter.size).toBe(1000);
    expect(full.mock.calls.length).toBeLessThanOrEqual(2000);
  });

  it('does so at the default 100 000 keys (a full scan per new key was 2 000 × 100 000 here)', () => {
    expect(MAX_RATE_KEYS).toBe(100_000);
    const limiter = new KeyedRateLimiter(limit);
    const full = vi.spyOn(TokenBucket.prototype, 'full');
    for (let i = 0; i <= MAX_RATE_KEYS; i++) limiter.take(`k${i}`, 0);
    for (let i = 0; i < 2000; i++) limiter.take(`n${i}`, 1);
    expect(limiter.size).toBe(MAX_RATE_KEYS);
    expect(full.mock.calls.length).toBeLessThanOrEqual(MAX_RATE_KEYS + 1);
  });

  it('forgets the least recently used key, not one still in use: its empty bucket stays empty', () => {
    const limiter = new KeyedRateLimiter(limit, 100);
    for (let i = 0; i < 5; i++) expect(limiter.take('busy', 0)).toBe(0);
    expect(limiter.take('busy', 0)).toBeGreaterThan(0);
    for (let i = 0; i < 1000; i++) {
      limiter.take(`passer${i}`, 0);
      if (i % 50 === 0) expect(limiter.take('busy', 0)).toBeGreaterThan(0);
    }
    expect(limiter.take('busy', 0)).toBeGreaterThan(0);
    expect(limiter.size).toBe(100);
  });

  it('still forgets full buckets on sweep()', () => {
    const limiter = new KeyedRateLimiter(limit);
    limiter.take('a', 0);
    limiter.take('b', 4500);
    limiter.sweep(5000);
    expect(limiter.size).toBe(1);
  });
});

describe('LogThrottle', () => {
  it('lets the first through, then one per interval with the count of those held back', () => {
    const throttle = new LogThrottle(10_000);
    expect(throttle.take('a', 0)).toBe(0);
    for (let i = 0; i < 50; i++) expect(throttle.take('a', 100 + i)).toBeNull();
    expect(throttle.take('b', 200)).toBe(0);
    expect(throttle.take('a', 10_000)).toBe(50);
    expect(throttle.take('a', 10_001)).toBeNull();
  });

  it('holds at most maxKeys', () => {
    const throttle = new LogThrottle(10_000, 100);
    for (let i = 0; i < 10_000; i++) throttle.take(`k${i}`, i);
    expect(throttle.size).toBe(100);
    const byDefault = new LogThrottle(10_000);
    for (let i = 0; i < 20_000; i++) byDefault.take(`k${i}`, i);
    expect(byDefault.size).toBe(10_000);
    // The one logged longest ago was forgotten: its next is logged again; a recent one's is not.
    expect(byDefault.take('k0', 20_000)).toBe(0);
    expect(byDefault.take('k19999', 20_001)).toBeNull();
  });
});

/**
 * What the server logs of refusals by the rate limit: one line per key each interval, with how
 * many were not logged (tR's finding 1). Work is counted, not timed.
 */
import { describe, expect, it } from 'vitest';
import { LogThrottle } from '../../src/server/rate-limit.js';

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

/** A rate as a token bucket: `perSecond` refill, up to `burst` at once. */
export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many may come at once. */
  burst: number;
}

/**
 * One token bucket. `take()` is true when a token was available. Every `now` is in ms of a clock
 * that never steps (`performance.now()`): on the wall clock, one set back stops the refill for as
 * long as it was set back.
 */
export class TokenBucket {
  private tokens: number;
  private updated: number;
  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.updated = now;
  }
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
  /** Gives back one token, up to the burst. */
  refund(): void {
    this.tokens = Math.min(this.limit.burst, this.tokens + 1);
  }
  /** Seconds until a token is available (0 when one is). */
  waitSec(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.limit.perSecond);
  }
  /** Milliseconds until a token is available, rounded up (0 when one is). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.limit.perSecond) * 1000);
  }
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.limit.burst;
  }
  private refill(now: number): void {
    const elapsed = (now - this.updated) / 1000;
    if (elapsed > 0) {
      this.tokens = Math.min(this.limit.burst, this.tokens + elapsed * this.limit.perSecond);
      this.updated = now;
    }
  }
}

/** Most keys a {@link KeyedRateLimiter} holds by default. */
export const MAX_RATE_KEYS = 100_000;

/**
 * Token buckets by key (an IP, a user id), on the clock {@link TokenBucket} says. Full buckets are
 * forgotten on `sweep()`, so memory follows the keys active in the last `burst / perSecond`
 * seconds, and never more than `maxKeys` (100 000) are held: a new key past them sweeps at most
 * once per refill time (`burst / perSecond` seconds, 1 s at least), then forgets the least recently
 * used key, whose next attempt starts a full bucket. It swept on every new key past 100 000 and
 * dropped only full buckets: with none full (each source a few attempts in the last seconds),
 * every new key scanned them all, 2 ms each, on the event loop, and the map grew unbounded (a
 * hostile tester).
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private nextSweep = -Infinity;
  /** @param maxKeys keys held at most, an integer ≥ 1 */
  constructor(
    private readonly limit: RateLimit,
    private readonly maxKeys = MAX_RATE_KEYS,
  ) {}
  /** Keys held now. */
  get size(): number {
    return this.buckets.size;
  }
  /** 0 when allowed (a token is taken), else the seconds to wait (for `Retry-After`). */
  take(key: string, now: number): number {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKeys) this.makeRoom(now);
      bucket = new TokenBucket(this.limit, now);
    } else {
      // Last in the map's order: the map's first key is the least recently used.
      this.buckets.delete(key);
    }
    this.buckets.set(key, bucket);
    return bucket.take(now) ? 0 : Math.max(1, bucket.waitSec(now));
  }
  /** Gives back a token taken for `key` (up to the burst): the attempt it paid for was not one the limit is for. */
  refund(key: string): void {
    this.buckets.get(key)?.refund();
  }
  sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(key);
  }
  /** Below `maxKeys` again: a sweep if none was made within the refill time, then the least recently used keys go. */
  private makeRoom(now: number): void {
    if (now >= this.nextSweep) {
      this.sweep(now);
      this.nextSweep = now + Math.max(1000, (this.limit.burst / this.limit.perSecond) * 1000);
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < this.maxKeys) break;
      this.buckets.delete(key);
    }
  }
}

/**
 * Which of a key's events to log (a refusal by the rate limit, per address): the first, then one
 * per `intervalMs`, each telling how many of the key's were not logged since its last line. At
 * most `maxKeys` keys are held; past them the one logged least recently is forgotten (its count
 * not logged with it). `now` in ms of a clock that never steps.
 */
export class LogThrottle {
  private readonly keys = new Map<string, { next: number; skipped: number }>();
  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 10_000,
  ) {}
  /** `null` when this event is not to be logged (it is counted); else how many of `key`'s were not logged since its last line. */
  take(key: string, now: number): number | null {
    const entry = this.keys.get(key);
    if (entry !== undefined && now < entry.next) {
      entry.skipped++;
      return null;
    }
    this.keys.delete(key);
    for (const oldest of this.keys.keys()) {
      if (this.keys.size < this.maxKeys) break;
      this.keys.delete(oldest);
    }
    this.keys.set(key, { next: now + this.intervalMs, skipped: 0 });
    return entry?.skipped ?? 0;
  }
  /** Keys held now. */
  get size(): number {
    return this.keys.size;
  }
}

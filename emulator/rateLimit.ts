// Per-principal token bucket (reference §6: the real per-action limits are not documented).
// Capacity equals one second's worth of tokens, so a client at the limit sees no 429s while a burst
// above it does.

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** `qps` 0 disables limiting. */
  constructor(private readonly qps: number) {}

  /** Takes one token for `principal`; false when the bucket is empty. */
  take(principal: string, nowMs: number): boolean {
    if (this.qps <= 0) return true;
    const capacity = Math.max(1, this.qps);
    const bucket = this.buckets.get(principal) ?? { tokens: capacity, updatedAt: nowMs };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((nowMs - bucket.updatedAt) / 1000) * this.qps);
    bucket.updatedAt = nowMs;
    this.buckets.set(principal, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
